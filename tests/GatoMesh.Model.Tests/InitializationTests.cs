using GatoMesh.Torch;

namespace GatoMesh.Model.Tests;

/// <summary>The continuous-value bins of the token table start on a smooth curve (Initialization.SmoothBins);
/// the rest of the table keeps N(0, 0.02).</summary>
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
}
