using GatoMesh.Torch;

namespace GatoMesh.Model.Tests;

/// <summary>The properties the engine relies on (ARCHITECTURE.md, "Model"): causality, no absolute
/// positions, padding that changes nothing, and batching that changes nothing.</summary>
public class AttentionPropertyTests
{
    private static readonly GatoConfig Config = Presets.Tiny;

    private static float[] Hidden(GatoModel model, ModelInput input)
    {
        using var scope = DisposeScope.Begin();
        return model.Forward(input).ToArray<float>();
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Changing_a_later_token_leaves_earlier_hidden_states_unchanged()
    {
        using var model = new GatoModel(Config, seed: 11);
        const int at = 14;
        var before = SampleTokens.Random(Config, at, seed: 1);
        var tokens = SampleTokens.Concat(before, TokenBatchInputs.Text([5], [3]), SampleTokens.Random(Config, 5, seed: 2));
        var changed = SampleTokens.Concat(before, TokenBatchInputs.Text([6], [3]), SampleTokens.Random(Config, 5, seed: 2));
        var a = Hidden(model, ModelInput.Single(tokens));
        var b = Hidden(model, ModelInput.Single(changed));
        var w = Config.Width;
        Close(a.AsSpan(0, at * w), b.AsSpan(0, at * w), 0);
        Assert.NotEqual(a[at * w], b[at * w]); // the change itself is visible, so the test can fail
    }

    [Fact]
    public void Prepending_masked_out_tokens_leaves_a_sequence_unchanged()
    {
        // No absolute positions: a sequence shifted right by padding its attention never sees computes
        // the same hidden states, so a timestep's keys and values do not depend on where it sits.
        using var model = new GatoModel(Config, seed: 12);
        var tokens = SampleTokens.Random(Config, 16, seed: 2);
        var prefix = SampleTokens.Random(Config, 5, seed: 3);
        var shifted = SampleTokens.Concat(prefix, tokens);
        var valid = Enumerable.Range(0, 21).Select(i => i >= 5).ToArray();
        var alone = Hidden(model, ModelInput.Single(tokens));
        var after = Hidden(model, new ModelInput(shifted, 1, 21, valid));
        Close(alone, after.AsSpan(5 * Config.Width));
    }

    [Fact]
    public void Windows_packed_in_one_sequence_each_compute_what_they_compute_alone()
    {
        // Packed training windows (SequenceOptions.History): a token attends only to its own segment,
        // so each window's hidden states are those of the window served on its own.
        using var model = new GatoModel(Config, seed: 14);
        int[] lengths = [7, 12, 5];
        var windows = lengths.Select((n, i) => SampleTokens.Random(Config, n, seed: 40 + i)).ToArray();
        var packed = SampleTokens.Concat(windows);
        var segments = lengths.SelectMany((n, i) => Enumerable.Repeat(i, n)).ToArray();
        var together = Hidden(model, new ModelInput(packed, 1, packed.Count, Segments: segments));
        var offset = 0;
        foreach (var (window, n) in windows.Zip(lengths))
        {
            Close(Hidden(model, ModelInput.Single(window)), together.AsSpan(offset * Config.Width, n * Config.Width));
            offset += n;
        }
        // Without the segments the later windows see the earlier ones, so the comparison can fail.
        var unsegmented = Hidden(model, ModelInput.Single(packed));
        Assert.NotEqual(together[lengths[0] * Config.Width], unsegmented[lengths[0] * Config.Width]);
    }

    [Fact]
    public void A_padded_batch_of_mixed_lengths_equals_each_sequence_alone()
    {
        using var model = new GatoModel(Config, seed: 13);
        int[] lengths = [9, 17, 4];
        const int t = 17;
        var sequences = lengths.Select((n, i) => SampleTokens.Random(Config, n, seed: 20 + i)).ToArray();
        var padded = sequences.Select(s => SampleTokens.Concat(s, SampleTokens.Random(Config, t - s.Count, seed: 99))).ToArray();
        var valid = lengths.SelectMany(n => Enumerable.Range(0, t).Select(i => i < n)).ToArray();
        var batch = Hidden(model, new ModelInput(SampleTokens.Concat(padded), lengths.Length, t, valid));
        var w = Config.Width;
        for (var b = 0; b < lengths.Length; b++)
            Close(Hidden(model, ModelInput.Single(sequences[b])), batch.AsSpan(b * t * w, lengths[b] * w));
    }
}
