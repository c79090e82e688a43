using GatoMesh.Model.Engine;

namespace GatoMesh.Model.Tests.Engine;

/// <summary>Iteration planning without a model: logits are made up, the plans are what is checked.</summary>
public class SchedulerTests
{
    private static readonly GatoConfig Config = Presets.Tiny;
    private static readonly TokenRange Range = new(0, 4);

    private static (Scheduler Scheduler, EngineCounters Counters) Create(EngineOptions options)
    {
        var counters = new EngineCounters();
        return (new Scheduler(Config, options, counters), counters);
    }

    private static Task<ActResult> Submit(Scheduler scheduler, string id, int promptTokens, int observationTokens, long timestep = 0, bool context = true)
    {
        var request = new ActRequest
        {
            SequenceId = id,
            Timestep = timestep,
            Observation = Text(observationTokens),
            ActionSpec = [Range, Range],
            Context = context ? new SequenceContext(Text(promptTokens), []) : null,
        };
        var act = new PendingAct(request, new TaskCompletionSource<ActResult>());
        scheduler.Admit(act);
        return act.Completion.Task;
    }

    private static TokenBatchInputs Text(int n) => TokenBatchInputs.Text(new long[n], Enumerable.Range(0, n).Select(i => (long)i).ToArray());

    /// <summary>Every sampling chunk picks id 2.</summary>
    private static void Sample(Scheduler scheduler, BatchPlan plan) =>
        scheduler.ApplySamples(plan, [.. plan.Chunks.Where(c => c.SampleAction >= 0).Select(_ => 2L)]);

    [Fact]
    public void Decode_tokens_go_first_and_prefill_fills_the_token_budget_in_arrival_order()
    {
        var (scheduler, _) = Create(new EngineOptions { KvBlocks = 64, TokenBudget = 20 });
        Submit(scheduler, "a", promptTokens: 2, observationTokens: 3);
        var first = scheduler.Schedule();
        Assert.Equal([5], first.Chunks.Select(c => c.Count));
        Sample(scheduler, first); // "a" now feeds back its first action token

        Submit(scheduler, "b", promptTokens: 10, observationTokens: 20);
        Submit(scheduler, "c", promptTokens: 1, observationTokens: 1);
        var second = scheduler.Schedule();
        Assert.Equal(["a", "b"], second.Chunks.Select(c => c.Sequence.Id));
        Assert.Equal([1, 19], second.Chunks.Select(c => c.Count));
        Assert.True(second.Chunks[0].IsDecode);
        Assert.Equal(-1, second.Chunks[1].SampleAction); // "b" is mid-prompt: nothing to sample yet
        Assert.Equal(6, second.Chunks[0].Keys); // prompt, observation and the fed-back token
        Assert.Equal(5, second.Chunks[0].ContextBefore);
    }

    [Fact]
    public void An_answer_comes_with_the_last_sampled_token_which_is_cached_in_a_later_iteration()
    {
        var (scheduler, counters) = Create(new EngineOptions { KvBlocks = 64 });
        var result = Submit(scheduler, "a", promptTokens: 2, observationTokens: 3);
        Sample(scheduler, scheduler.Schedule());
        Assert.False(result.IsCompleted);
        Sample(scheduler, scheduler.Schedule());
        Assert.Equal(new long[] { 2, 2 }, Assert.IsType<ActResult.Action>(result.Result).Tokens);
        Assert.True(scheduler.HasWork);
        var trailing = scheduler.Schedule();
        Assert.Equal(-1, Assert.Single(trailing.Chunks).SampleAction);
        Sample(scheduler, trailing);
        Assert.False(scheduler.HasWork);
        Assert.Equal(7, scheduler.Sequences["a"].Cache.Tokens);
        Assert.Equal([5], scheduler.Sequences["a"].Cache.TimestepLengths);
        Assert.Equal(3, counters.Iterations);
    }

    [Fact]
    public void Requests_the_engine_cannot_continue_get_cache_misses()
    {
        var (scheduler, _) = Create(new EngineOptions { KvBlocks = 64 });
        Assert.Equal(new ActResult.CacheMiss("x", CacheMissReason.Unknown), Submit(scheduler, "x", 0, 3, context: false).Result);
        Submit(scheduler, "a", 2, 3);
        while (scheduler.HasWork) Sample(scheduler, scheduler.Schedule());
        Assert.Equal(new ActResult.CacheMiss("a", CacheMissReason.TimestepMismatch), Submit(scheduler, "a", 0, 3, timestep: 5, context: false).Result);
        Assert.False(Submit(scheduler, "a", 0, 3, timestep: 1, context: false).IsCompleted);
    }

    [Fact]
    public void A_full_pool_evicts_the_least_recently_used_sequence_outside_the_batch()
    {
        var (scheduler, counters) = Create(new EngineOptions { KvBlocks = 19, BlockSize = 16 });
        foreach (var id in new[] { "old", "recent" })
        {
            Submit(scheduler, id, promptTokens: 16, observationTokens: 60);
            while (scheduler.HasWork) Sample(scheduler, scheduler.Schedule());
        }
        Assert.Equal(10, scheduler.Allocator.UsedBlocks); // each: 1 prompt block + 4 blocks for 62 step tokens

        var newcomer = Submit(scheduler, "newcomer", promptTokens: 16, observationTokens: 156); // needs 11 blocks
        while (scheduler.HasWork) Sample(scheduler, scheduler.Schedule());
        Assert.IsType<ActResult.Action>(newcomer.Result);
        Assert.Equal(1, counters.Evictions);
        Assert.Equal(["newcomer", "recent"], scheduler.Sequences.Keys.Order());
        Assert.Equal(new ActResult.CacheMiss("old", CacheMissReason.Unknown), Submit(scheduler, "old", 0, 3, timestep: 1, context: false).Result);
    }
}
