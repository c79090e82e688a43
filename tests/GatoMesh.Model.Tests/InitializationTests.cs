using GatoMesh.Tokens;
using GatoMesh.Torch;

namespace GatoMesh.Model.Tests;

/// <summary>The continuous-value bins of the token table start on a smooth curve (Initialization.SmoothBins);
/// the rest of the table keeps N(0, 0.02). The patch position tables start smooth too (Initialization.SmoothPatchPositions).</summary>
public class InitializationTests
{
    static double Cosine(float[] table, int width, int a, int b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var d = 0; d < width; d++)
        {
            double x = table[a * width + d], y = table[b * width + d];
            dot += x * y; na += x * x; nb += y * y;
        }
        return dot / Math.Sqrt(na * nb);
    }

    static double MeanNorm(float[] table, int width, int from, int count) =>
        Enumerable.Range(from, count).Average(r => Math.Sqrt(Enumerable.Range(0, width).Sum(d => (double)table[r * width + d] * table[r * width + d])));

    [Fact]
    public void Neighbouring_bins_start_close_distant_bins_and_text_rows_do_not_and_every_row_has_the_tables_scale()
    {
        var config = Presets.Small;
        using var model = new GatoModel(config, seed: 4);
        using var scope = DisposeScope.Begin();
        var table = model.Embed.Tokens.Weight.ToArray<float>();
        int w = config.Width, bins = config.TextVocab;
        var neighbours = Enumerable.Range(0, 1023).Average(b => Cosine(table, w, bins + b, bins + b + 1));
        var distant = Enumerable.Range(0, 512).Average(b => Cosine(table, w, bins + b, bins + b + 512));
        var text = Enumerable.Range(0, 1023).Average(t => Cosine(table, w, t, t + 1));
        Assert.InRange(neighbours, 0.55, 0.7);          // the smooth share, 0.64
        Assert.InRange(Math.Abs(distant), 0, 0.1);
        Assert.InRange(Math.Abs(text), 0, 0.05);
        var expected = Initialization.Std * Math.Sqrt(w);
        Assert.InRange(MeanNorm(table, w, bins, 1024), 0.9 * expected, 1.1 * expected);
        Assert.InRange(MeanNorm(table, w, 0, 1024), 0.9 * expected, 1.1 * expected);
        // A seed fixes it.
        using var again = new GatoModel(config, seed: 4);
        Assert.Equal(table, again.Embed.Tokens.Weight.ToArray<float>());
    }

    [Fact]
    public void The_buckets_of_one_patch_start_alike_and_those_of_other_patches_do_not()
    {
        var config = Presets.Small;
        using var model = new GatoModel(config, seed: 4);
        using var scope = DisposeScope.Begin();
        int w = config.Width, buckets = config.PatchBuckets, patch = buckets / 4;   // a 64x64 image: 4 patches a side
        foreach (var table in new[] { model.Embed.PatchRows.Weight.ToArray<float>(), model.Embed.PatchCols.Weight.ToArray<float>() })
        {
            // Every bucket against the middle one of its patch, the one evaluation reads.
            var samePatch = Enumerable.Range(0, buckets).Average(q => Cosine(table, w, q, q / patch * patch + patch / 2));
            var nextPatch = Enumerable.Range(0, buckets - patch).Average(q => Cosine(table, w, q, q + patch));
            var farPatch = Enumerable.Range(0, buckets - 2 * patch).Average(q => Cosine(table, w, q, q + 2 * patch));
            Assert.InRange(samePatch, 0.7, 0.95);
            Assert.InRange(nextPatch, -0.1, 0.35);
            Assert.InRange(Math.Abs(farPatch), 0, 0.1);
            var expected = Initialization.Std * Math.Sqrt(w);
            Assert.InRange(MeanNorm(table, w, 0, buckets), 0.9 * expected, 1.1 * expected);
        }
        Assert.NotEqual(model.Embed.PatchRows.Weight.ToArray<float>(), model.Embed.PatchCols.Weight.ToArray<float>());
    }

    [Fact]
    public void The_cells_of_a_local_grid_start_on_a_row_and_column_lattice_and_nothing_else_changes()
    {
        var config = Presets.Small;
        var grid = new LocalGrid(Start: 3, Rows: 11, Columns: 11);
        using var plain = new GatoModel(config, seed: 4);
        using var lattice = new GatoModel(config, seed: 4, localGrids: [grid]);
        using var scope = DisposeScope.Begin();
        var table = lattice.Embed.LocalPositions.Weight.ToArray<float>();
        var before = plain.Embed.LocalPositions.Weight.ToArray<float>();
        int w = config.Width, n = grid.Rows * grid.Columns;
        int Cell(int r, int c) => grid.Start + r * grid.Columns + c;
        var cells = (from r in Enumerable.Range(0, 11) from c in Enumerable.Range(0, 11) select (r, c)).ToList();
        var sameColumn = cells.Where(x => x.r < 10).Average(x => Cosine(table, w, Cell(x.r, x.c), Cell(x.r + 1, x.c)));
        var sameRow = cells.Where(x => x.c < 10).Average(x => Cosine(table, w, Cell(x.r, x.c), Cell(x.r, x.c + 1)));
        var neither = cells.Where(x => x.r < 10 && x.c < 10).Average(x => Cosine(table, w, Cell(x.r, x.c), Cell(x.r + 1, x.c + 1)));
        Assert.InRange(sameColumn, 0.3, 0.5);             // the column's share, GridLineShare = 0.4
        Assert.InRange(sameRow, 0.3, 0.5);
        Assert.InRange(Math.Abs(neither), 0, 0.1);
        var expected = Initialization.Std * Math.Sqrt(w);
        Assert.InRange(MeanNorm(table, w, grid.Start, n), 0.9 * expected, 1.1 * expected);
        // Without the grid the same cells are unrelated; the rows outside it and every other weight are the plain model's.
        Assert.InRange(Math.Abs(cells.Where(x => x.r < 10).Average(x => Cosine(before, w, Cell(x.r, x.c), Cell(x.r + 1, x.c)))), 0, 0.1);
        Assert.Equal(before.AsSpan(0, grid.Start * w).ToArray(), table.AsSpan(0, grid.Start * w).ToArray());
        Assert.Equal(before.AsSpan(grid.End * w).ToArray(), table.AsSpan(grid.End * w).ToArray());
        foreach (var ((name, a), (_, b)) in plain.NamedParameters().Zip(lattice.NamedParameters()))
            if (name != "embed.local_positions.weight")
                Assert.True(a.ToArray<float>().AsSpan().SequenceEqual(b.ToArray<float>()), name);
        using var again = new GatoModel(config, seed: 4, localGrids: [grid]);
        Assert.Equal(table, again.Embed.LocalPositions.Weight.ToArray<float>());
    }

    [Fact]
    public void A_grid_outside_the_local_positions_is_refused()
    {
        var config = Presets.Tiny;
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new GatoModel(config, seed: 1, localGrids: [new LocalGrid(config.LocalPositions - 10, 4, 4)]).Dispose());
    }
}
