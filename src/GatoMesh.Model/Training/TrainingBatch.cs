using GatoMesh.Tokens;

namespace GatoMesh.Model;

/// <summary>
/// A padded batch for the training step: the model input and, at each position t, the next token's id
/// (the target for position t) and whether it counts (paper section 2.3: text and action tokens only).
/// Targets and the mask are separate from the input so the loss provably reads only the masked targets.
/// </summary>
public sealed record TrainingBatch(ModelInput Input, long[] Targets, bool[] LossMask)
{
    /// <summary>The loss weight of each sequence's masked tokens (<see cref="TrainerOptions.LossWeights"/>),
    /// one per row; null weighs every token 1.</summary>
    public IReadOnlyList<double>? SequenceWeights { get; init; }

    /// <summary>Which group (a task's index) each sequence belongs to, one per row; with them the step also measures
    /// each group's mean loss over its own masked tokens (<see cref="TrainStepResult.GroupLosses"/>). Null: not
    /// measured.</summary>
    public IReadOnlyList<int>? SequenceGroups { get; init; }

    /// <summary>The loss weight of a position (its sequence's, as the loss computes it in single precision).</summary>
    internal float WeightAt(long position) => SequenceWeights is { } rows ? (float)rows[(int)(position / Input.Length)] : 1f;

    /// <summary>The sum of the masked positions' weights: the weighted mean's denominator (the count of
    /// masked positions when unweighted).</summary>
    public double MaskedWeight()
    {
        var sum = 0.0;
        for (var i = 0; i < LossMask.Length; i++) if (LossMask[i]) sum += WeightAt(i);
        return sum;
    }

    /// <summary>
    /// Pads <paramref name="sequences"/> (each one TokenBuffer: a session's context or a SequenceBuilder
    /// sequence) to the longest, after their tokens. Position t predicts token t+1 with that token's loss
    /// bit; the last position of each sequence and every padded one count for nothing. A sequence that
    /// packs windows (<see cref="TokenBuffer.SegmentStarts"/>) keeps them apart: the input carries each
    /// token's segment for the attention mask, and a window's last position predicts nothing.
    /// </summary>
    public static TrainingBatch Collate(IReadOnlyList<TokenBuffer> sequences, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new InvalidModelInputException("sequences", 0, "a batch needs at least one sequence");
        if (weights is not null && weights.Count != sequences.Count)
            throw new InvalidModelInputException("weights", weights.Count, $"one loss weight per sequence ({sequences.Count})");
        var length = sequences.Max(s => s.Count);
        if (length == 0) throw new InvalidModelInputException("sequences", "all empty", "a batch needs at least one token");
        int batch = sequences.Count, n = batch * length;
        var ids = new long[n];
        var local = new long[n];
        var valid = new bool[n];
        var targets = new long[n];
        var mask = new bool[n];
        var packed = sequences.Any(s => s.SegmentStarts.Count > 0);
        var segments = packed ? new int[n] : null;
        var patches = sequences.Sum(s => s.PatchCount);
        var pixels = new float[patches * TokenBatchInputs.PatchPixels];
        var rows = new long[patches];
        var cols = new long[patches];
        var patch = 0;
        for (var b = 0; b < batch; b++)
        {
            var s = sequences[b];
            var row = b * length;
            var ofToken = packed ? s.SegmentIds() : null;
            // Padding after the tokens gets a segment of its own.
            if (segments is not null)
            {
                ofToken!.CopyTo(segments, row);
                segments.AsSpan(row + s.Count, length - s.Count).Fill(-1);
            }
            for (var t = 0; t < s.Count; t++)
            {
                ids[row + t] = s.Ids[t];
                local[row + t] = s.LocalPositions[t];
                valid[row + t] = true;
                if (t + 1 < s.Count && (ofToken is null || ofToken[t + 1] == ofToken[t]))
                {
                    // A patch slot (-1) is never a target: its loss bit is 0; 0 keeps the id in range.
                    targets[row + t] = Math.Max(s.Ids[t + 1], 0);
                    mask[row + t] = s.LossMask[t + 1];
                }
            }
            s.PatchPixels.CopyTo(pixels.AsSpan(patch * TokenBatchInputs.PatchPixels));
            for (var p = 0; p < s.PatchCount; p++, patch++)
            {
                rows[patch] = s.PatchRows[p];
                cols[patch] = s.PatchColumns[p];
            }
        }
        var tokens = new TokenBatchInputs(ids, local, pixels, rows, cols);
        return new TrainingBatch(new ModelInput(tokens, batch, length, valid, segments), targets, mask)
        {
            // All-ones weights are the plain mean: keep the unweighted path.
            SequenceWeights = weights is not null && weights.Any(w => w != 1) ? [.. weights] : null,
        };
    }
}
