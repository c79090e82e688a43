using GatoMesh.Torch;

namespace GatoMesh.Model;

/// <summary>
/// A padded batch of B sequences of T tokens each, flattened row-major into <see cref="Tokens"/>
/// (token t of sequence b is entry b*T + t). <see cref="Valid"/> marks real tokens; null means all.
/// Padding may sit anywhere: no token attends a padded key (a padded query attends only itself, so
/// its softmax stays finite), so padded slots change nothing for real tokens.
/// </summary>
/// <see cref="Segments"/>, when set, gives each token its window within its sequence: a token attends
/// only to keys of its own segment (packed training windows, <c>SequenceOptions.History</c>).
public sealed record ModelInput(TokenBatchInputs Tokens, int Batch, int Length, bool[]? Valid = null, int[]? Segments = null)
{
    /// <summary>One unpadded sequence.</summary>
    public static ModelInput Single(TokenBatchInputs tokens) => new(tokens, 1, tokens.Count);

    internal void Validate()
    {
        if (Batch <= 0 || Length <= 0)
            throw new InvalidModelInputException("batch x length", $"{Batch} x {Length}", "must both be positive");
        if (Tokens.Count != (long)Batch * Length)
            throw new InvalidModelInputException("ids", Tokens.Count, $"must hold batch x length = {Batch} x {Length} tokens");
        if (Valid is not null && Valid.Length != Tokens.Count)
            throw new InvalidModelInputException("valid", Valid.Length, $"must have one entry per token ({Tokens.Count})");
        if (Segments is not null && Segments.Length != Tokens.Count)
            throw new InvalidModelInputException("segments", Segments.Length, $"must have one entry per token ({Tokens.Count})");
    }

    /// <summary>Bool [B, 1, T, T]: true where query i must not attend key j: a later key (causality), or a
    /// padded key other than the query itself, or a key of another segment.</summary>
    internal Tensor BlockedAttention(Device device)
    {
        long t = Length;
        var blocked = new bool[Batch * t * t];
        for (var b = 0; b < Batch; b++)
        for (var i = 0; i < t; i++)
        {
            var row = (b * t + i) * t;
            for (var j = 0; j < t; j++)
                blocked[row + j] = j > i || (j != i && Valid is not null && !Valid[b * t + j])
                    || (Segments is not null && Segments[b * t + j] != Segments[b * t + i]);
        }
        return Tensor.From<bool>(blocked, [Batch, 1, t, t], device);
    }
}
