using GatoMesh.Model.Engine;

namespace GatoMesh.Model.Tests.Engine;

/// <summary>The engine as callers see it: its own thread, async submission, cache misses and
/// resends, eviction, typed refusals, model swaps.</summary>
public class InferenceEngineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Evict_then_recompute_gives_the_same_action()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 1);
        await using var engine = new InferenceEngine(model, new EngineOptions { KvBlocks = 64 });
        var sampling = SamplingParams.WithTemperature(1.5f, seed: 99);
        var steady = new Episode(model.Config, seed: 2, promptTokens: 12, images: true);
        var interrupted = new Episode(model.Config, seed: 2, promptTokens: 12, images: true);
        for (var t = 0; t < 5; t++)
        {
            var observation = steady.Observation(8 + t);
            interrupted.Observation(8 + t); // keep the two episodes' generators in step
            steady.Record(observation, await engine.ActAsync(steady.Step("steady", observation, withContext: t == 0, sampling)).WaitAsync(Deadline));

            if (t == 3) engine.ReleaseSequence("interrupted");
            var result = await engine.ActAsync(interrupted.Step("interrupted", observation, withContext: t == 0, sampling)).WaitAsync(Deadline);
            if (t == 3)
            {
                Assert.Equal(new ActResult.CacheMiss("interrupted", CacheMissReason.Unknown), result);
                result = await engine.ActAsync(interrupted.Step("interrupted", observation, withContext: true, sampling)).WaitAsync(Deadline);
            }
            interrupted.Record(observation, result);
            Assert.Equal(steady.Timesteps[t].Actions, interrupted.Timesteps[t].Actions);
        }
        Assert.Equal(1, engine.Metrics.CacheMisses);
    }

    [Fact]
    public async Task A_full_pool_evicts_the_least_recently_used_sequence_and_resends_restore_every_action()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 3);
        var small = new EngineOptions { KvBlocks = 12, ContextWindow = 128 }; // room for about two sequences
        var roomy = new EngineOptions { KvBlocks = 128, ContextWindow = 128 };
        var pressed = await RunAgents(model, small, agents: 5, steps: 4);
        var unpressed = await RunAgents(model, roomy, agents: 5, steps: 4);
        Assert.True(pressed.Metrics.Evictions > 0, "the small pool evicted");
        Assert.True(pressed.Metrics.CacheMisses > 0, "evicted sequences were told to resend");
        Assert.Equal(0, unpressed.Metrics.Evictions);
        Assert.Equal(unpressed.Actions, pressed.Actions);
    }

    private static async Task<(List<long[]> Actions, EngineMetrics Metrics)> RunAgents(GatoModel model, EngineOptions options, int agents, int steps)
    {
        await using var engine = new InferenceEngine(model, options);
        var episodes = Enumerable.Range(0, agents).Select(i => new Episode(model.Config, seed: 20 + i, promptTokens: 10 + 7 * i)).ToArray();
        for (var t = 0; t < steps; t++)
        {
            // Agents act in turn, so which sequence is least recently used is the same in every run.
            foreach (var (episode, i) in episodes.Select((e, i) => (e, i)))
            {
                var observation = episode.Observation(12 + i);
                var result = await engine.ActAsync(episode.Step($"agent{i}", observation, withContext: t == 0)).WaitAsync(Deadline);
                if (result is ActResult.CacheMiss)
                    result = await engine.ActAsync(episode.Step($"agent{i}", observation, withContext: true)).WaitAsync(Deadline);
                episode.Record(observation, result);
            }
        }
        return ([.. episodes.SelectMany(e => e.Timesteps.Select(s => s.Actions))], engine.Metrics);
    }

    [Fact]
    public async Task Many_concurrent_callers_all_complete_and_continuations_never_run_on_the_engine_thread()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 4);
        await using var engine = new InferenceEngine(model, new EngineOptions { KvBlocks = 256, TokenBudget = 256 });
        const int callers = 48, steps = 3;
        var engineThreadSeen = 0;
        var tasks = Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            var episode = new Episode(model.Config, seed: 100 + i, promptTokens: i % 5);
            for (var t = 0; t < steps; t++)
            {
                var observation = episode.Observation(3 + i % 11);
                var result = await engine.ActAsync(episode.Step($"c{i}", observation, withContext: t == 0));
                if (Thread.CurrentThread.Name == "gatomesh-inference-engine") Interlocked.Increment(ref engineThreadSeen);
                episode.Record(observation, result);
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Deadline);
        Assert.Equal(0, engineThreadSeen);
        Assert.Equal(callers * steps, engine.Metrics.ActionsCompleted);
        Assert.True(engine.Metrics.Iterations < callers * steps * 3, "requests shared iterations");
    }

    [Fact]
    public async Task Bad_requests_get_typed_errors_and_do_not_break_the_engine_for_others()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 5);
        await using var engine = new InferenceEngine(model, new EngineOptions { KvBlocks = 64 });
        var episode = new Episode(model.Config, seed: 6, promptTokens: 4);
        var observation = episode.Observation(5);
        var good = episode.Step("good", observation, withContext: true);

        var outsideVocab = good with { SequenceId = "bad", ActionSpec = [new(0, model.Config.VocabSize + 1)] };
        Assert.Equal("ActionSpec[0]", Assert.Throws<InvalidActRequestException>(() => { _ = engine.ActAsync(outsideVocab); }).Field);

        var continuousTooFew = good with { SequenceId = "bad", ActionSpec = [new(model.Config.ContinuousBase, model.Config.ContinuousBase + 8) { Continuous = true }] };
        Assert.Equal("ActionSpec[0]", Assert.Throws<InvalidActRequestException>(() => { _ = engine.ActAsync(continuousTooFew); }).Field);

        var tooLong = good with { SequenceId = "bad", Observation = episode.Observation(engine.ContextWindow) };
        Assert.Equal("Observation", Assert.Throws<InvalidActRequestException>(() => { _ = engine.ActAsync(tooLong); }).Field);

        var badId = good with { SequenceId = "bad", Observation = new TokenBatchInputs([model.Config.VocabSize], [0], [], [], []) };
        Assert.StartsWith("Observation.ids", Assert.Throws<InvalidActRequestException>(() => { _ = engine.ActAsync(badId); }).Field);

        var unknown = good with { SequenceId = "stranger", Context = null, Timestep = 7 };
        Assert.Equal(new ActResult.CacheMiss("stranger", CacheMissReason.Unknown), await engine.ActAsync(unknown).WaitAsync(Deadline));

        var first = engine.ActAsync(good);
        var twice = engine.ActAsync(good with { Context = null });
        Assert.IsType<ActResult.Action>(await first.WaitAsync(Deadline));
        Assert.Equal("SequenceId", (await Assert.ThrowsAsync<InvalidActRequestException>(() => twice.WaitAsync(Deadline))).Field);
        episode.Record(observation, first.Result);

        var stale = episode.Step("good", episode.Observation(3)) with { Timestep = 0 };
        Assert.Equal(new ActResult.CacheMiss("good", CacheMissReason.TimestepMismatch), await engine.ActAsync(stale).WaitAsync(Deadline));
        var next = await engine.ActAsync(episode.Step("good", episode.Observation(3))).WaitAsync(Deadline);
        Assert.IsType<ActResult.Action>(next);
    }

    [Fact]
    public async Task Swapping_the_model_drops_every_cache_and_serves_the_new_weights()
    {
        using var before = new GatoModel(Presets.Tiny, seed: 7);
        using var after = new GatoModel(Presets.Tiny, seed: 8);
        await using var engine = new InferenceEngine(before, new EngineOptions { KvBlocks = 64 });
        await using var reference = new InferenceEngine(after, new EngineOptions { KvBlocks = 64 });
        var episode = new Episode(before.Config, seed: 9, promptTokens: 6);
        var observation = episode.Observation(9);
        var first = await engine.ActAsync(episode.Step("s", observation, withContext: true)).WaitAsync(Deadline);
        Assert.Equal(0, Assert.IsType<ActResult.Action>(first).ModelGeneration);
        episode.Record(observation, first);

        Assert.Equal(1, await engine.SwapModelAsync(after).WaitAsync(Deadline));
        var next = episode.Observation(9);
        Assert.Equal(new ActResult.CacheMiss("s", CacheMissReason.Unknown), await engine.ActAsync(episode.Step("s", next)).WaitAsync(Deadline));
        var resent = await engine.ActAsync(episode.Step("s", next, withContext: true)).WaitAsync(Deadline);
        var expected = await reference.ActAsync(episode.Step("s", next, withContext: true)).WaitAsync(Deadline);
        Assert.Equal(Assert.IsType<ActResult.Action>(expected).Tokens, Assert.IsType<ActResult.Action>(resent).Tokens);
        Assert.Equal(1, Assert.IsType<ActResult.Action>(resent).ModelGeneration);

        var otherShapes = new GatoModel(Presets.Tiny with { Layers = 1 }, seed: 1);
        Assert.Throws<InvalidConfigException>(() => { _ = engine.SwapModelAsync(otherShapes); });
        otherShapes.Dispose();
    }

    [Fact]
    public async Task An_already_cancelled_request_is_refused_and_others_are_served()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 10);
        await using var engine = new InferenceEngine(model, new EngineOptions { KvBlocks = 64 });
        var episode = new Episode(model.Config, seed: 11, promptTokens: 3);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.ActAsync(episode.Step("x", episode.Observation(4), withContext: true), cancelled.Token));
        var result = await engine.ActAsync(episode.Step("y", episode.Observation(4), withContext: true)).WaitAsync(Deadline);
        Assert.IsType<ActResult.Action>(result);
    }
}
