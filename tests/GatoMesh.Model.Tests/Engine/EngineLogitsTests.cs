using GatoMesh.Tokens;
using GatoMesh.Model.Engine;

namespace GatoMesh.Model.Tests.Engine;

/// <summary>The logit-level invariants of the paged, batched engine against full causal
/// recomputes through <see cref="GatoModel.Forward"/> (1e-4).</summary>
public class EngineLogitsTests
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData(512)] // each observation in one chunk
    [InlineData(7)]   // observations split across iterations (chunked prefill)
    public void Cached_decode_equals_full_recompute_and_restricted_logits_equal_the_slice_of_full_logits(int tokenBudget)
    {
        using var model = new GatoModel(Presets.Tiny, seed: 1);
        using var engine = new EngineHarness(model, new EngineOptions { KvBlocks = 64, TokenBudget = tokenBudget });
        var episode = new Episode(model.Config, seed: 2, promptTokens: 10, images: true);
        var random = new Random(3);
        for (var t = 0; t < 4; t++)
        {
            var observation = episode.Observation(random.Next(4, 20));
            var result = Assert.IsType<ActResult.Action>(engine.Act(episode.Step("a", observation, withContext: t == 0)));
            for (var k = 0; k < result.Tokens.Length; k++)
            {
                var expected = Episode.ReferenceLogits(model, episode.Sequence(episode.Timesteps, observation, result.Tokens[..k]), episode.ActionSpec[k]);
                AssertClose(expected, engine.Logits[("a", t, k)]);
            }
            episode.Record(observation, result);
        }
    }

    [Fact]
    public void Batched_logits_equal_one_at_a_time_logits_for_sequences_of_mixed_lengths()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 4);
        var options = new EngineOptions { KvBlocks = 128, TokenBudget = 40 };
        var prompts = new[] { 0, 3, 17, 40, 1, 26, 5, 9 };
        var observationLengths = new[] { 1, 30, 5, 12, 60, 9, 2, 3 }; // 8 decode rows: the attention rows split across 2 threads

        using var batched = new EngineHarness(model, options);
        var episodes = prompts.Select((p, i) => new Episode(model.Config, seed: 10 + i, promptTokens: p, images: i % 2 == 0)).ToArray();
        var observations = new List<TokenBatchInputs[]>();
        for (var t = 0; t < 3; t++)
        {
            var step = episodes.Select((e, i) => e.Observation(observationLengths[i] + t)).ToArray();
            observations.Add(step);
            var results = episodes.Select((e, i) => batched.Submit(e.Step($"s{i}", step[i], withContext: t == 0))).ToArray();
            batched.RunUntilIdle();
            for (var i = 0; i < episodes.Length; i++) episodes[i].Record(step[i], results[i].Result);
        }
        Assert.True(batched.MaxBatchSequences > 1, "sequences shared iterations");

        for (var i = 0; i < episodes.Length; i++)
        {
            using var alone = new EngineHarness(model, options);
            var episode = new Episode(model.Config, seed: 10 + i, promptTokens: prompts[i], images: i % 2 == 0);
            for (var t = 0; t < 3; t++)
            {
                var result = alone.Act(episode.Step($"s{i}", observations[t][i], withContext: t == 0));
                episode.Record(observations[t][i], result);
                for (var k = 0; k < 2; k++) AssertClose(alone.Logits[($"s{i}", t, k)], batched.Logits[($"s{i}", t, k)]);
            }
        }
    }

    [Fact]
    public void Sliding_the_window_by_whole_timesteps_equals_recomputing_on_the_slid_window_without_recomputing_anything()
    {
        // Exact for one block: its keys and values are functions of each token alone (local positions
        // only). With more blocks, deeper keys of a kept timestep still carry what it attended when it
        // was appended (docs/ENGINE.md, "Context window").
        var config = Presets.Tiny with { Preset = "gato-tiny-1-block", Layers = 1 };
        using var model = new GatoModel(config, seed: 5);
        const int window = 64;
        using var engine = new EngineHarness(model, new EngineOptions { KvBlocks = 24, BlockSize = 4, ContextWindow = window });
        var episode = new Episode(config, seed: 6, promptTokens: 6);
        var random = new Random(7);
        long oldest = 0, observed = 0;
        for (var t = 0; t < 10; t++)
        {
            var observation = episode.Observation(random.Next(6, 14));
            observed += observation.Count;
            var result = Assert.IsType<ActResult.Action>(engine.Act(episode.Step("w", observation, withContext: t == 0)));
            Assert.True(result.OldestTimestep >= oldest, "the window only moves forward");
            oldest = result.OldestTimestep;
            var kept = episode.Timesteps.Skip((int)oldest).ToList();
            Assert.True(episode.Sequence(kept, observation, result.Tokens).Count <= window, "prompt, window and step fit the context");
            Assert.True(episode.Sequence(episode.Timesteps.Skip((int)oldest - 1), observation, result.Tokens).Count > window || oldest == 0,
                "only as many timesteps are dropped as the new one needs");
            for (var k = 0; k < 2; k++)
            {
                var expected = Episode.ReferenceLogits(model, episode.Sequence(kept, observation, result.Tokens[..k]), episode.ActionSpec[k]);
                AssertClose(expected, engine.Logits[("w", t, k)]);
            }
            episode.Record(observation, result);
        }
        Assert.True(oldest >= 3, $"the window slid (oldest timestep {oldest})");
        Assert.Equal(episode.Prompt.Count + observed, engine.Counters.PrefillTokens);
        Assert.Equal(6, engine.Scheduler.Sequences["w"].Cache.PromptTokens);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    public void A_window_of_k_timesteps_equals_a_recompute_on_the_prompt_and_the_last_k(int history, bool exact)
    {
        // A checkpoint trained with --history K is served with WindowTimesteps = K. With K = 1 nothing of an
        // earlier timestep stays, so plain sliding is exact in every block; K = 3 uses exact sliding.
        var config = Presets.Tiny;
        using var model = new GatoModel(config, seed: 5);
        using var engine = new EngineHarness(model, new EngineOptions
        {
            KvBlocks = 80, BlockSize = 4, ContextWindow = 256, WindowTimesteps = history, ExactSlidingWindow = exact,
        });
        var episode = new Episode(config, seed: 6, promptTokens: 6);
        var random = new Random(7);
        for (var t = 0; t < 8; t++)
        {
            var observation = episode.Observation(random.Next(6, 14));
            var answer = engine.Act(episode.Step("k", observation, withContext: t == 0));
            if (answer is ActResult.CacheMiss miss)
            {
                Assert.True(exact);
                Assert.Equal(CacheMissReason.WindowSlid, miss.Reason);
                answer = engine.Act(episode.Step("k", observation, withContext: true));
            }
            var result = Assert.IsType<ActResult.Action>(answer);
            Assert.Equal(Math.Max(0, t - (history - 1)), result.OldestTimestep);
            var kept = episode.Timesteps.Skip((int)result.OldestTimestep).ToList();
            for (var k = 0; k < 2; k++)
            {
                var expected = Episode.ReferenceLogits(model, episode.Sequence(kept, observation, result.Tokens[..k]), episode.ActionSpec[k]);
                AssertClose(expected, engine.Logits[("k", t, k)]);
            }
            episode.Record(observation, result);
        }
        Assert.Equal(6, engine.Scheduler.Sequences["k"].Cache.PromptTokens);
    }

    [Fact]
    public void With_exact_sliding_every_block_equals_a_recompute_on_the_slid_window()
    {
        var config = Presets.Tiny; // two blocks: the approximation of plain sliding would show here
        using var model = new GatoModel(config, seed: 5);
        const int window = 64;
        using var engine = new EngineHarness(model, new EngineOptions { KvBlocks = 24, BlockSize = 4, ContextWindow = window, ExactSlidingWindow = true });
        var episode = new Episode(config, seed: 6, promptTokens: 6);
        var random = new Random(7);
        long oldest = 0;
        var slides = 0;
        for (var t = 0; t < 10; t++)
        {
            var observation = episode.Observation(random.Next(6, 14));
            var answer = engine.Act(episode.Step("w", observation, withContext: t == 0));
            if (answer is ActResult.CacheMiss miss)
            {
                Assert.Equal(CacheMissReason.WindowSlid, miss.Reason);
                slides++;
                answer = engine.Act(episode.Step("w", observation, withContext: true)); // the whole context
            }
            var result = Assert.IsType<ActResult.Action>(answer);
            Assert.True(result.OldestTimestep >= oldest, "the window only moves forward");
            oldest = result.OldestTimestep;
            var kept = episode.Timesteps.Skip((int)oldest).ToList();
            Assert.True(episode.Sequence(kept, observation, result.Tokens).Count <= window, "prompt, window and step fit the context");
            for (var k = 0; k < 2; k++)
            {
                var expected = Episode.ReferenceLogits(model, episode.Sequence(kept, observation, result.Tokens[..k]), episode.ActionSpec[k]);
                AssertClose(expected, engine.Logits[("w", t, k)]);
            }
            episode.Record(observation, result);
        }
        Assert.True(oldest >= 3, $"the window slid (oldest timestep {oldest})");
        Assert.True(slides >= 3, $"each slide was a resend ({slides})");
    }

    [Fact]
    public void With_exact_sliding_evict_then_recompute_gives_the_same_actions_after_the_window_slid()
    {
        var config = Presets.Tiny;
        using var model = new GatoModel(config, seed: 5);
        var options = new EngineOptions { KvBlocks = 24, BlockSize = 4, ContextWindow = 64, ExactSlidingWindow = true };
        var sampling = SamplingParams.WithTemperature(1.0f, seed: 11);

        (long[][] Actions, Dictionary<(string, long, int), float[]> Logits) Run(ISet<int> evictBefore)
        {
            using var engine = new EngineHarness(model, options);
            var episode = new Episode(config, seed: 6, promptTokens: 6);
            var random = new Random(7);
            var actions = new List<long[]>();
            long oldest = 0;
            for (var t = 0; t < 10; t++)
            {
                if (evictBefore.Contains(t)) engine.Scheduler.Release("w");
                var observation = episode.Observation(random.Next(6, 14));
                var answer = engine.Act(episode.Step("w", observation, withContext: t == 0, sampling));
                if (answer is ActResult.CacheMiss)
                {
                    // As a session does: resend the context trimmed to the engine's last reported window.
                    var request = episode.Step("w", observation, withContext: true, sampling);
                    answer = engine.Act(request with { Context = request.Context! with { Timesteps = [.. episode.Timesteps.Skip((int)oldest)] } });
                }
                episode.Record(observation, answer);
                var action = (ActResult.Action)answer;
                oldest = action.OldestTimestep;
                actions.Add(action.Tokens);
            }
            return ([.. actions], engine.Logits);
        }

        var straight = Run(new HashSet<int>());
        var evicted = Run(new HashSet<int> { 5, 8 }); // both after the window first slid
        Assert.Equal(straight.Actions, evicted.Actions);
        foreach (var (key, logits) in straight.Logits) AssertClose(logits, evicted.Logits[key]);
    }

    [Fact]
    public void A_continuous_action_token_is_the_bin_of_its_expected_value_unless_decoded_as_a_token()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 1);
        foreach (var asTokens in new[] { false, true })
        {
            using var engine = new EngineHarness(model, new EngineOptions { KvBlocks = 64 });
            var episode = new Episode(model.Config, seed: 2, promptTokens: 10, continuous: true);
            var sampling = SamplingParams.WithTemperature(1.5f, seed: 3) with { ContinuousAsTokens = asTokens };
            var draws = SamplingParams.Greedy with { Temperature = 1.5f, Seed = 3 };
            var random = new Random(4);
            var differ = 0;
            for (var t = 0; t < 4; t++)
            {
                var observation = episode.Observation(random.Next(4, 12));
                var result = Assert.IsType<ActResult.Action>(engine.Act(episode.Step("c", observation, withContext: t == 0, sampling)));
                for (var k = 0; k < result.Tokens.Length; k++)
                {
                    var logits = engine.Logits[("c", t, k)];
                    var expected = model.Config.ContinuousBase + ReferenceExpectedBin(logits);
                    // The same range unmarked is chosen token by token: a draw at the temperature.
                    var drawn = ActionSampler.Sample(logits, episode.ActionSpec[k] with { Continuous = false }, draws, t, k);
                    Assert.Equal(asTokens ? drawn : expected, result.Tokens[k]);
                    if (expected != drawn) differ++;
                }
                episode.Record(observation, result);
            }
            Assert.True(differ > 0, "the expected value and the draw never differed, so the test tells nothing");
        }
    }

    /// <summary>E[value] over softmax(logits), each bin its decoded value, back to its bin: written out
    /// here in double from the definition, apart from the sampler's table.</summary>
    private static int ReferenceExpectedBin(float[] logits)
    {
        var max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - (double)max)).ToArray();
        var mean = weights.Select((w, bin) => w * MuLaw.Decode(bin)).Sum() / weights.Sum();
        return MuLaw.Bin(mean);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"logits differ by {worst}");
    }
}
