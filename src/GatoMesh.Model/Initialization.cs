using GatoMesh.Tokens;
using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// The transformer's initial weights (GPT-2's scheme, which Gato's 2022 training code follows in
/// spirit): every embedding table and transformer Linear weight N(0, 0.02), biases zero, and the two
/// residual-branch outputs (attn.out, mlp.fc2) scaled by 1/sqrt(2 * layers) so the residual stream's
/// variance does not grow with depth. A unit-variance token table (PyTorch's default) would make the
/// tied output logits ~sqrt(width) large and training start badly. The patch stem and residual convs
/// and the patch projection keep PyTorch's defaults. Norms start at ones and zeros.
/// The 1024 rows of continuous-value bins are the exception in the token table
/// (<see cref="SmoothBins"/>): they start on a smooth curve of the bin's value, so neighbouring bins start
/// close, with the same per-row scale; so do the patch row and column tables (<see cref="SmoothPatchPositions"/>),
/// so the buckets of one patch start alike.
/// </summary>
internal static class Initialization
{
    public const double Std = 0.02;

    public static void Apply(GatoModel model, Generator generator)
    {
        using var noGrad = new NoGradScope();
        var embed = model.Embed;
        foreach (var table in new[] { embed.Tokens, embed.LocalPositions, embed.PatchRows, embed.PatchCols })
            DrawNormal(table.Weight, Std, generator);
        SmoothBins(embed.Tokens.Weight, model.Config, generator);
        SmoothPatchPositions(embed.PatchRows.Weight, model.Config, generator);
        SmoothPatchPositions(embed.PatchCols.Weight, model.Config, generator);
        var residualStd = Std / Math.Sqrt(2.0 * model.Config.Layers);
        foreach (var block in model.Blocks)
        {
            Normal(block.Attention.Qkv, Std, generator);
            Normal(block.Attention.Out, residualStd, generator);
            Normal(block.Mlp.Fc1, Std, generator);
            Normal(block.Mlp.Fc2, residualStd, generator);
        }
    }

    /// <summary>Share of a bin row's variance that is the smooth part.</summary>
    public const double SmoothShare = 0.64;

    /// <summary>Lowest and highest angular frequency of the smooth part, in radians per unit of the bin
    /// value (bins cover [-1, 1] after mu-law): from the whole range down to ~0.02, a few dozen bins.</summary>
    const double LowestFrequency = 0.5, HighestFrequency = 150;

    /// <summary>
    /// Rows [TextVocab, TextVocab + 1024) of the token table, the continuous-value bins (GATO.md,
    /// "Tokenization"), as std * (sqrt(s) * sqrt(2) sin(w_d v + p_d) + sqrt(1 - s) * z) for the bin's
    /// centre v in [-1, 1], with per-dimension frequencies w_d log-uniform in [0.5, 150], phases p_d uniform,
    /// z ~ N(0, 1) and s = <see cref="SmoothShare"/>. A table lookup learns each bin only from the samples
    /// that hit it, and a proprioceptive value rarely hits the same one of 1024 twice: starting neighbours
    /// close lets the first layers read a value they have not seen from the ones beside it (random Fourier
    /// features), and, through the tied output, makes a predicted action's neighbours likely too. The
    /// random part keeps every bin distinct.
    /// </summary>
    internal static void SmoothBins(Tensor table, GatoConfig config, Generator generator)
    {
        var logRange = Math.Log(HighestFrequency / LowestFrequency);
        var frequencies = Draw(Tensor.Empty([config.Width]).UniformInPlace(0, 1, generator)).Select(u => LowestFrequency * Math.Exp(u * logRange));
        using var slice = table.Narrow(0, config.TextVocab, GatoConfig.Bins);
        SmoothRows(slice, b => -1 + (2.0 * b + 1) / GatoConfig.Bins, frequencies.ToArray(), SmoothShare, generator);
    }

    /// <summary>Share of a patch position row's variance that is the smooth part.</summary>
    public const double PositionSmoothShare = 0.9;

    /// <summary>Spread of the patch positions' frequencies, in radians per image side: the rows of one patch of a
    /// 64x64 image (a quarter of the side) start alike, those a patch apart mostly apart.</summary>
    public const double PositionFrequencySpread = 7;

    /// <summary>
    /// The patch row and column tables (GATO.md, "Patch positions"): row q of the 128 buckets as
    /// std * (sqrt(s) * sqrt(2) sin(w_d x + p_d) + sqrt(1 - s) * z) for the bucket's centre x in [0, 1], with
    /// w_d ~ N(0, <see cref="PositionFrequencySpread"/>^2) (random Fourier features of a Gaussian kernel of
    /// width 1/7 of the side) and s = <see cref="PositionSmoothShare"/>. Training draws a patch's bucket
    /// uniformly inside its interval (32 buckets a patch of a 64x64 image) and evaluation takes the middle one, so
    /// independent random rows would make one place 32 unrelated vectors that the model learns one by one from the
    /// draws that hit them, and the middle one, which evaluation reads, from a 32nd of them. Started on a smooth
    /// curve, the rows of an interval mean the same place from the first step.
    /// </summary>
    internal static void SmoothPatchPositions(Tensor table, GatoConfig config, Generator generator)
    {
        var buckets = config.PatchBuckets;
        var frequencies = Draw(Tensor.Empty([config.Width]).NormalInPlace(0, PositionFrequencySpread, generator));
        SmoothRows(table, q => (q + 0.5) / buckets, frequencies, PositionSmoothShare, generator);
    }

    /// <summary>Share of a grid cell's local-position variance in its row's part, and in its column's part; the
    /// rest, <c>1 - 2 * GridLineShare</c>, is the cell's own.</summary>
    public const double GridLineShare = 0.4;

    /// <summary>
    /// Starts the local-position rows of each <see cref="LocalGrid"/> (a 2-D discrete observation field such as the
    /// grid world's 11x11 view, one token a cell) as std * (sqrt(s) R_r + sqrt(s) C_c + sqrt(1 - 2s) z) for cell
    /// (r, c), with R, C and z ~ N(0, 1) rows and s = <see cref="GridLineShare"/>; the row norms match an
    /// N(0, std) row's. Independent rows leave the model to learn each of the 121 cells' "ahead" and "to the left"
    /// from the samples whose target stands on that very cell (about one in sixty); on the lattice every cell of a
    /// column starts with the column's direction, so what a layer learns to read from the cells seen carries over
    /// to the rest of the column and the row. Measured on the grid world alone (docs/TRAINING.md, "Session 11").
    /// Rows outside every grid keep their N(0, std) draw.
    /// </summary>
    internal static void LocalGrids(Tensor table, IReadOnlyList<LocalGrid> grids, GatoConfig config, Generator generator)
    {
        var width = config.Width;
        double line = Math.Sqrt(GridLineShare), own = Math.Sqrt(1 - 2 * GridLineShare);
        using var noGrad = new NoGradScope();
        foreach (var grid in grids)
        {
            if (grid.Start < 0 || grid.End > config.LocalPositions)
                throw new ArgumentOutOfRangeException(nameof(grids), grid, $"outside the {config.LocalPositions} local positions");
            var rows = Draw(Tensor.Empty([grid.Rows, width]).NormalInPlace(0, 1, generator));
            var columns = Draw(Tensor.Empty([grid.Columns, width]).NormalInPlace(0, 1, generator));
            var cells = grid.Rows * grid.Columns;
            var z = Draw(Tensor.Empty([cells, width]).NormalInPlace(0, 1, generator));
            var values = new float[cells * width];
            for (var r = 0; r < grid.Rows; r++)
                for (var c = 0; c < grid.Columns; c++)
                {
                    var cell = r * grid.Columns + c;
                    for (var d = 0; d < width; d++)
                        values[cell * width + d] = (float)(Std * (line * (rows[r * width + d] + columns[c * width + d]) + own * z[cell * width + d]));
                }
            using var filled = Tensor.From<float>(values, [cells, width]);
            using var slice = table.Narrow(0, grid.Start, cells);
            slice.CopyFrom(filled);
        }
    }

    static double[] Draw(Tensor drawn)
    {
        using (drawn)
            return drawn.ToArray<float>().Select(x => (double)x).ToArray();
    }

    /// <summary>Fills every row r of <paramref name="rows"/> [R, width] with
    /// std * (sqrt(share) * sqrt(2) sin(w_d value(r) + p_d) + sqrt(1 - share) * z), phases p_d uniform,
    /// z ~ N(0, 1): the row norms match an N(0, std) row's.</summary>
    static void SmoothRows(Tensor rows, Func<int, double> value, double[] frequencies, double share, Generator generator)
    {
        int count = (int)rows.Shape[0], width = (int)rows.Shape[1];
        var phases = Draw(Tensor.Empty([width]).UniformInPlace(0, 2 * Math.PI, generator));
        var z = Draw(Tensor.Empty([count, width]).NormalInPlace(0, 1, generator));
        var values = new float[count * width];
        double smooth = Math.Sqrt(share) * Math.Sqrt(2), rough = Math.Sqrt(1 - share);
        for (var r = 0; r < count; r++)
        {
            var v = value(r);
            for (var d = 0; d < width; d++)
                values[r * width + d] = (float)(Std * (smooth * Math.Sin(frequencies[d] * v + phases[d]) + rough * z[r * width + d]));
        }
        using var filled = Tensor.From<float>(values, [count, width]);
        rows.CopyFrom(filled);
    }

    private static void Normal(Linear linear, double std, Generator generator)
    {
        DrawNormal(linear.Weight, std, generator);
        linear.Bias?.Fill(0);
    }

    /// <summary>Draws on the CPU generator and copies to the parameter's device, so a seed means the same
    /// weights everywhere.</summary>
    private static void DrawNormal(Tensor parameter, double std, Generator generator)
    {
        using var cpu = Tensor.Empty(parameter.Shape).NormalInPlace(0, std, generator);
        parameter.CopyFrom(cpu);
    }
}
