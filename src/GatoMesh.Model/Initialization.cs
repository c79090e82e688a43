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
/// close, with the same per-row scale.
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
        var residualStd = Std / Math.Sqrt(2.0 * model.Config.Layers);
        foreach (var block in model.Blocks)
        {
            Normal(block.Qkv, Std, generator);
            Normal(block.Out, residualStd, generator);
            Normal(block.Fc1, Std, generator);
            Normal(block.Fc2, residualStd, generator);
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
        int bins = GatoConfig.Bins, width = config.Width;
        using var uniform = Tensor.Empty([2, width]).UniformInPlace(0, 1, generator);
        using var noise = Tensor.Empty([bins, width]).NormalInPlace(0, 1, generator);
        var u = uniform.ToArray<float>();
        var z = noise.ToArray<float>();
        var rows = new float[bins * width];
        double smooth = Math.Sqrt(SmoothShare) * Math.Sqrt(2), rough = Math.Sqrt(1 - SmoothShare);
        var logRange = Math.Log(HighestFrequency / LowestFrequency);
        for (var b = 0; b < bins; b++)
        {
            var v = -1 + (2.0 * b + 1) / bins;
            for (var d = 0; d < width; d++)
            {
                var frequency = LowestFrequency * Math.Exp(u[d] * logRange);
                var phase = 2 * Math.PI * u[width + d];
                rows[b * width + d] = (float)(Std * (smooth * Math.Sin(frequency * v + phase) + rough * z[b * width + d]));
            }
        }
        using var values = Tensor.From<float>(rows, [bins, width]);
        using var slice = table.Narrow(0, config.TextVocab, bins);
        slice.CopyFrom(values);
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
