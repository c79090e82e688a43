namespace GatoMesh.Model.Engine;

/// <summary>One engine iteration: every chunk of every sequence that runs in the single forward pass. The
/// scheduler reuses one plan and its chunks from iteration to iteration (no allocation per iteration).</summary>
internal sealed class BatchPlan
{
    private readonly List<PlannedChunk> spare = [];

    public List<PlannedChunk> Chunks { get; } = [];

    /// <summary>The live keys of every chunk as runs of consecutive physical slots: (first slot, length)
    /// pairs; chunk c's are pairs [c.RunStart, c.RunStart + c.RunCount).</summary>
    public List<int> KeyRuns { get; } = [];

    public int Tokens { get; private set; }
    public int SamplingChunks { get; private set; }
    public bool IsEmpty => Chunks.Count == 0;

    internal void Clear()
    {
        spare.AddRange(Chunks);
        Chunks.Clear();
        KeyRuns.Clear();
        Tokens = SamplingChunks = 0;
    }

    /// <summary>A cleared chunk for <paramref name="sequence"/> (not yet in <see cref="Chunks"/>).</summary>
    internal PlannedChunk Rent(EngineSequence sequence)
    {
        PlannedChunk chunk;
        if (spare.Count > 0)
        {
            chunk = spare[^1];
            spare.RemoveAt(spare.Count - 1);
        }
        else chunk = new PlannedChunk();
        chunk.Reset(sequence);
        return chunk;
    }

    internal void Return(PlannedChunk chunk) => spare.Add(chunk);

    internal void Add(PlannedChunk chunk)
    {
        Chunks.Add(chunk);
        Tokens += chunk.Count;
        if (chunk.SampleAction >= 0) SamplingChunks++;
    }
}

/// <summary>
/// A sequence's contiguous new tokens in this iteration. Their keys and values go to
/// <see cref="NewSlots"/>; token i attends over the first <c>ContextBefore + i + 1</c> of the chunk's
/// <see cref="Keys"/> live keys (the sequence's live slots in logical order, the new ones last).
/// </summary>
internal sealed class PlannedChunk
{
    public EngineSequence Sequence { get; private set; } = null!;
    public List<(Segment Segment, int Offset, int Count)> Pieces { get; } = [];
    public List<long> NewSlots { get; } = [];
    public int Count => NewSlots.Count;

    /// <summary>Live keys the chunk's last token sees (the cached context and the chunk itself).</summary>
    public int Keys { get; set; }
    public int ContextBefore => Keys - Count;

    /// <summary>The chunk's pairs in <see cref="BatchPlan.KeyRuns"/>.</summary>
    public int RunStart { get; set; }
    public int RunCount { get; set; }

    /// <summary>Action token sampled from the chunk's last token (-1: none), and its id range.</summary>
    public int SampleAction { get; set; }
    public TokenRange SampleRange { get; set; }
    public bool IsDecode { get; set; }

    internal void Reset(EngineSequence sequence)
    {
        Sequence = sequence;
        Pieces.Clear();
        NewSlots.Clear();
        Keys = RunStart = RunCount = 0;
        SampleAction = -1;
        SampleRange = default;
        IsDecode = false;
    }
}
