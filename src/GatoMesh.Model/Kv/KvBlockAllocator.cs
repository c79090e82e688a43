namespace GatoMesh.Model.Kv;

/// <summary>
/// The paged KV cache's pool of fixed-size blocks (vLLM's block manager, smaller): a block holds the
/// keys and values of <see cref="BlockSize"/> token slots in every layer; physical slot
/// <c>block * BlockSize + offset</c> indexes the cache tensors. The pool size comes from the memory
/// budget; when it is empty the scheduler evicts a whole sequence (which the caller later
/// recomputes from the context it resends). Not thread-safe: the engine thread owns it.
/// </summary>
internal sealed class KvBlockAllocator
{
    private readonly Stack<int> free;

    public KvBlockAllocator(int totalBlocks, int blockSize = 16)
    {
        if (totalBlocks <= 0) throw new ArgumentOutOfRangeException(nameof(totalBlocks), totalBlocks, "at least one block");
        if (blockSize <= 0) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "at least one slot per block");
        TotalBlocks = totalBlocks;
        BlockSize = blockSize;
        // Highest first so that block 0 is handed out first: deterministic layouts in tests.
        free = new Stack<int>(Enumerable.Range(0, totalBlocks).Reverse());
    }

    public int TotalBlocks { get; }
    public int BlockSize { get; }
    public int FreeBlocks => free.Count;
    public int UsedBlocks => TotalBlocks - free.Count;

    /// <summary>Blocks needed to hold <paramref name="tokens"/> slots.</summary>
    public int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;

    /// <summary>Takes a free block, or returns false when the pool is empty.</summary>
    public bool TryAllocate(out int block) => free.TryPop(out block);

    public void Free(int block)
    {
        if ((uint)block >= (uint)TotalBlocks) throw new ArgumentOutOfRangeException(nameof(block), block, "not a block of this pool");
        free.Push(block);
    }
}
