namespace GatoMesh.Model.Engine;

/// <summary>One engine iteration: every chunk of every sequence that runs in the single forward pass.</summary>
internal sealed class BatchPlan
{
    public List<PlannedChunk> Chunks { get; } = [];
    public int Tokens => Chunks.Sum(c => c.Count);
    public bool IsEmpty => Chunks.Count == 0;
}

/// <summary>
/// A sequence's contiguous new tokens in this iteration. Their keys and values go to
/// <see cref="NewSlots"/>; token i attends over <c>KeySlots[0 .. ContextBefore + i]</c> (the
/// sequence's live slots in logical order, the new ones last).
/// </summary>
internal sealed class PlannedChunk(EngineSequence sequence)
{
    public EngineSequence Sequence { get; } = sequence;
    public List<(Segment Segment, int Offset, int Count)> Pieces { get; } = [];
    public List<long> NewSlots { get; } = [];
    public long[] KeySlots { get; set; } = [];
    public int Count => NewSlots.Count;
    public int ContextBefore => KeySlots.Length - Count;

    /// <summary>Action token sampled from the chunk's last token (-1: none), and its id range.</summary>
    public int SampleAction { get; set; } = -1;
    public TokenRange SampleRange { get; set; }
    public bool IsDecode { get; set; }
}
