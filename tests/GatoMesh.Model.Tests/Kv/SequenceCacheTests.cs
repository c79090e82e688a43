using GatoMesh.Model.Kv;

namespace GatoMesh.Model.Tests.Kv;

public class SequenceCacheTests
{
    private static List<int> Runs(SequenceCache seq)
    {
        var runs = new List<int>();
        seq.LiveRuns(runs);
        return runs;
    }

    /// <summary>The live slots, one by one, from the runs.</summary>
    private static List<long> Live(SequenceCache seq)
    {
        var runs = Runs(seq);
        var live = new List<long>();
        for (var r = 0; r < runs.Count; r += 2)
            for (var i = 0; i < runs[r + 1]; i++) live.Add(runs[r] + i);
        return live;
    }

    [Fact]
    public void Prompt_and_timesteps_take_separate_blocks_in_logical_order()
    {
        var pool = new KvBlockAllocator(totalBlocks: 8, blockSize: 4);
        var seq = new SequenceCache(pool);
        var slots = new List<long>();
        Assert.True(seq.TryAppendPrompt(5, slots));  // blocks 0,1 (slots 0..4)
        Assert.True(seq.TryAppend(3, slots));        // a fresh block 2 (slots 8..10)
        seq.EndTimestep();
        Assert.Equal([0L, 1, 2, 3, 4, 8, 9, 10], slots);
        Assert.Equal(3, pool.UsedBlocks);
        Assert.Equal(slots, Live(seq));
        Assert.Equal([0, 4, 4, 1, 8, 3], Runs(seq)); // one run per block
        Assert.Equal(8, seq.Tokens);
    }

    [Fact]
    public void Sliding_the_window_frees_only_blocks_without_live_slots_and_keeps_the_prompt()
    {
        var pool = new KvBlockAllocator(totalBlocks: 16, blockSize: 4);
        var seq = new SequenceCache(pool);
        var slots = new List<long>();
        seq.TryAppendPrompt(2, slots);                     // block 0
        for (var t = 0; t < 3; t++) { seq.TryAppend(3, slots); seq.EndTimestep(); } // 9 step slots: blocks 1,2,3
        Assert.Equal(4, pool.UsedBlocks);

        Assert.Equal(3, seq.DropOldestTimestep());         // step slots 0..2 dead; block 1 still holds slot 3
        Assert.Equal(4, pool.UsedBlocks);
        Assert.Equal(3, seq.DropOldestTimestep());         // slots 0..5 dead: block 1 (0..3) freed
        Assert.Equal(3, pool.UsedBlocks);

        // prompt slots 0,1; then step slots 6,7 (block 2: 10,11) and 8 (block 3: 12)
        Assert.Equal([0L, 1, 10, 11, 12], Live(seq));
        Assert.Equal([0, 2, 10, 2, 12, 1], Runs(seq));
        Assert.Equal(2, seq.PromptTokens);
        Assert.Equal(3, seq.WindowTokens);

        // New slots fill block 3, then reuse the freed block 1 (physical slots 4..7).
        var more = new List<long>();
        Assert.True(seq.TryAppend(4, more));
        Assert.Equal([13L, 14, 15, 4], more);
    }

    [Fact]
    public void An_exhausted_pool_refuses_without_reserving_anything()
    {
        var pool = new KvBlockAllocator(totalBlocks: 2, blockSize: 4);
        var seq = new SequenceCache(pool);
        var slots = new List<long>();
        Assert.True(seq.TryAppend(6, slots));
        Assert.False(seq.TryAppend(3, slots));             // would need a third block
        Assert.Equal(6, slots.Count);
        Assert.Equal(6, seq.Tokens);
        Assert.True(seq.TryAppend(2, slots));              // still fits in block 1
        seq.Release();
        Assert.Equal(2, pool.FreeBlocks);
        Assert.Equal(0, seq.Tokens);
    }

    [Fact]
    public void Misuse_is_refused_with_a_clear_error()
    {
        var seq = new SequenceCache(new KvBlockAllocator(4, 4));
        Assert.Throws<InvalidOperationException>(() => seq.DropOldestTimestep());
        Assert.Throws<InvalidOperationException>(() => seq.EndTimestep());
        seq.TryAppend(1, []);
        Assert.Throws<InvalidOperationException>(() => seq.TryAppendPrompt(1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvBlockAllocator(0));
    }
}
