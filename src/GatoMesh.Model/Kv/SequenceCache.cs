namespace GatoMesh.Model.Kv;

/// <summary>
/// One sequence's view of the paged KV cache: its block table, the pinned prompt and the sliding
/// window of whole timesteps (ARCHITECTURE.md, "Model" and "Serving path").
///
/// Layout: the prompt's tokens fill the first blocks; the first timestep starts on a fresh block,
/// so dropping timesteps never touches a prompt block. Because positions are local only (no
/// absolute index), a cached key/value does not depend on where its token sits in the window: sliding
/// the window drops slots from the front of the timestep region, frees every block that holds no live
/// slot any more, and recomputes nothing.
/// </summary>
internal sealed class SequenceCache
{
    private readonly KvBlockAllocator allocator;
    private readonly List<int> promptBlocks = [];
    private readonly List<int> stepBlocks = []; // stepBlocks[0] holds logical step slot firstBlockSlot
    private readonly Queue<int> timesteps = new(); // token counts of the cached whole timesteps
    private int firstLiveSlot; // logical index (from the start of the timestep region) of the oldest live slot
    private int stepSlots;     // logical slots ever appended to the timestep region (live ones end here)
    private int blocksDropped; // timestep blocks freed from the front

    public SequenceCache(KvBlockAllocator allocator) => this.allocator = allocator;

    public int PromptTokens { get; private set; }
    /// <summary>Live tokens after the prompt: the cached timesteps plus the one in progress.</summary>
    public int WindowTokens => stepSlots - firstLiveSlot;
    public int Tokens => PromptTokens + WindowTokens;
    public int Blocks => promptBlocks.Count + stepBlocks.Count;
    /// <summary>Tokens of the timestep being appended (not yet closed by <see cref="EndTimestep"/>).</summary>
    public int OpenTimestepTokens => stepSlots - firstLiveSlot - timesteps.Sum();
    public IReadOnlyCollection<int> TimestepLengths => timesteps;

    /// <summary>Reserves slots for the prompt; only before any timestep. Returns false (and reserves
    /// nothing) when the pool cannot hold them.</summary>
    public bool TryAppendPrompt(int tokens, List<long> slots)
    {
        if (stepSlots > 0) throw new InvalidOperationException("the prompt must be appended before the first timestep");
        var start = PromptTokens;
        if (!Grow(promptBlocks, start + tokens)) return false;
        for (var i = 0; i < tokens; i++) slots.Add(Slot(promptBlocks, start + i));
        PromptTokens += tokens;
        return true;
    }

    /// <summary>Reserves slots for <paramref name="tokens"/> more tokens of the open timestep and adds
    /// their physical slot indices to <paramref name="slots"/>. Returns false (reserving nothing) when
    /// the pool is out of blocks.</summary>
    public bool TryAppend(int tokens, List<long> slots)
    {
        var logicalEnd = stepSlots + tokens;
        var needed = allocator.BlocksFor(logicalEnd) - blocksDropped - stepBlocks.Count;
        if (needed > allocator.FreeBlocks) return false;
        for (var i = 0; i < needed; i++)
        {
            allocator.TryAllocate(out var block);
            stepBlocks.Add(block);
        }
        for (var i = stepSlots; i < logicalEnd; i++) slots.Add(StepSlot(i));
        stepSlots = logicalEnd;
        return true;
    }

    /// <summary>Closes the open timestep (observation, separator and action tokens all appended).</summary>
    public void EndTimestep()
    {
        var open = OpenTimestepTokens;
        if (open <= 0) throw new InvalidOperationException("no open timestep to end");
        timesteps.Enqueue(open);
    }

    /// <summary>Drops the oldest whole timestep from the window, freeing blocks with no live slot left.
    /// Returns the number of tokens dropped.</summary>
    public int DropOldestTimestep()
    {
        if (timesteps.Count == 0) throw new InvalidOperationException("no whole timestep to drop");
        var dropped = timesteps.Dequeue();
        firstLiveSlot += dropped;
        while (stepBlocks.Count > 0 && (blocksDropped + 1) * allocator.BlockSize <= firstLiveSlot)
        {
            allocator.Free(stepBlocks[0]);
            stepBlocks.RemoveAt(0);
            blocksDropped++;
        }
        return dropped;
    }

    /// <summary>Every live token's physical slot in logical order (prompt, then the window), as runs of
    /// consecutive slots inside one block: appends (first slot, length) pairs to <paramref name="runs"/>, at most
    /// one per block. Attention streams a block's keys and values as one contiguous run.</summary>
    public void LiveRuns(List<int> runs)
    {
        var size = allocator.BlockSize;
        for (var i = 0; i < PromptTokens; i += size)
        {
            runs.Add((int)Slot(promptBlocks, i));
            runs.Add(Math.Min(size, PromptTokens - i));
        }
        for (var i = firstLiveSlot; i < stepSlots;)
        {
            var length = Math.Min(size - i % size, stepSlots - i);
            runs.Add((int)StepSlot(i));
            runs.Add(length);
            i += length;
        }
    }

    /// <summary>Returns every block to the pool (eviction, or the sequence ended).</summary>
    public void Release()
    {
        foreach (var b in promptBlocks) allocator.Free(b);
        foreach (var b in stepBlocks) allocator.Free(b);
        promptBlocks.Clear();
        stepBlocks.Clear();
        timesteps.Clear();
        PromptTokens = firstLiveSlot = stepSlots = blocksDropped = 0;
    }

    private bool Grow(List<int> blocks, int tokens)
    {
        var needed = allocator.BlocksFor(tokens) - blocks.Count;
        if (needed > allocator.FreeBlocks) return false;
        for (var i = 0; i < needed; i++)
        {
            allocator.TryAllocate(out var block);
            blocks.Add(block);
        }
        return true;
    }

    private long Slot(List<int> blocks, int logical) =>
        (long)blocks[logical / allocator.BlockSize] * allocator.BlockSize + logical % allocator.BlockSize;

    private long StepSlot(int logical) =>
        (long)stepBlocks[logical / allocator.BlockSize - blocksDropped] * allocator.BlockSize + logical % allocator.BlockSize;
}
