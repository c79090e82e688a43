namespace GatoMesh.Tokens.Tests.Sequencing;

public class SequenceBuilderTests
{
    const int V = 32000;
    const int StepTokens = 14;
    static readonly TokenSpace Space = new(V);
    static readonly TimestepEncoder GridEncoder = new(new EmbodimentSpec("grid",
        [FieldSpec.Discrete("grid", [3, 3], 0, 4), FieldSpec.Discrete("agent.position", [2]), FieldSpec.Continuous("agent.energy", 1)],
        [FieldSpec.Discrete("move", [1], 0, 7)]), Space);

    /// <summary>A grid-world episode whose observations carry (episode, step) in agent.position, so
    /// a sequence shows where each of its timesteps came from.</summary>
    static Episode GridEpisode(string task, int id, int steps) => new(task, GridEncoder, Enumerable.Range(0, steps).Select(step =>
        new Timestep(new Observation()
                .SetDiscrete("grid", new int[9], [3, 3])
                .SetDiscrete("agent.position", [id, step])
                .SetContinuous("agent.energy", [step / 10f]),
            new ActionValues().SetDiscrete("move", [step % 7]))).ToList());

    static List<Episode> Dataset() =>
        [GridEpisode("grid", 0, 20), GridEpisode("grid", 1, 12), GridEpisode("grid", 2, 30), GridEpisode("grid", 3, 9), GridEpisode("alone", 4, 15)];

    /// <summary>(episode, step) of every timestep in tokens [start, end), read from agent.position.</summary>
    static List<(int Episode, int Step)> Steps(TokenBuffer sequence, int start, int end)
    {
        var steps = new List<(int, int)>();
        for (var t = start; t + StepTokens <= end; t += StepTokens)
            steps.Add((sequence.Ids[t + 1], sequence.Ids[t + 2]));
        return steps;
    }

    [Fact]
    public void Sequences_are_exactly_L_tokens_of_whole_timesteps_then_masked_padding()
    {
        var builder = new SequenceBuilder(Dataset(), new SequenceOptions { Length = 100, PromptTokens = 30, Seed = 1 });
        var sequence = new TokenBuffer();
        for (var i = 0; i < 200; i++)
        {
            var info = builder.Build(i, sequence);
            Assert.Equal(100, sequence.Count);
            Assert.Equal(0, info.ValidCount % StepTokens);
            Assert.Equal(info.PromptTokens + info.Steps * StepTokens, info.ValidCount);
            Assert.All(sequence.Ids[info.ValidCount..].ToArray(), id => Assert.Equal(0, id));
            Assert.All(sequence.LossMask[info.ValidCount..].ToArray(), Assert.False);
            var steps = Steps(sequence, info.PromptTokens, info.ValidCount);
            Assert.Equal(Enumerable.Range(info.FirstStep, info.Steps).Select(s => (info.Episode, s)), steps);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void With_history_k_a_sequence_packs_segments_of_at_most_k_consecutive_timesteps(int history)
    {
        var builder = new SequenceBuilder(Dataset(), new SequenceOptions { Length = 100, PromptTokens = 30, PromptProbability = 0, History = history, Seed = 5 });
        var sequence = new TokenBuffer();
        var packedWindows = 0;
        for (var i = 0; i < 200; i++)
        {
            var info = builder.Build(i, sequence);
            Assert.Equal(100, sequence.Count);
            Assert.True(100 - info.ValidCount < StepTokens, "another timestep would have fitted");
            Assert.All(sequence.Ids[info.ValidCount..].ToArray(), id => Assert.Equal(0, id));
            Assert.Equal(info.Windows - 1, sequence.SegmentStarts.Count);
            var bounds = sequence.SegmentStarts.Prepend(0).Append(info.ValidCount).ToArray();
            for (var w = 0; w + 1 < bounds.Length; w++)
            {
                var steps = Steps(sequence, bounds[w], bounds[w + 1]);
                Assert.Equal((bounds[w + 1] - bounds[w]) / StepTokens, steps.Count);
                Assert.InRange(steps.Count, 1, history);
                // Consecutive timesteps of one episode inside a window.
                Assert.Equal(Enumerable.Range(steps[0].Step, steps.Count).Select(s => (steps[0].Episode, s)), steps);
                if (w == 0) Assert.Equal((info.Episode, info.FirstStep, info.Steps), (steps[0].Episode, steps[0].Step, steps.Count));
            }
            var segmentOf = sequence.SegmentIds();
            Assert.Equal(info.Windows - 1, segmentOf[info.ValidCount - 1]);
            packedWindows += info.Windows;
        }
        Assert.True(packedWindows >= 200 * (100 / (StepTokens * history)), $"{packedWindows} windows in 200 sequences");
    }

    [Fact]
    public void With_history_a_quarter_of_the_windows_start_with_a_prompt_of_their_own_inside_their_segment()
    {
        var builder = new SequenceBuilder(Dataset(), new SequenceOptions { Length = 100, PromptTokens = 30, PromptProbability = 0.25, History = 1, Seed = 9 });
        int[] lengths = [20, 12, 30, 9, 15];
        var sequence = new TokenBuffer();
        int windows = 0, prompted = 0, fromEnd = 0;
        for (var i = 0; i < 1500; i++)
        {
            var info = builder.Build(i, sequence);
            var bounds = sequence.SegmentStarts.Prepend(0).Append(info.ValidCount).ToArray();
            for (var w = 0; w + 1 < bounds.Length; w++)
            {
                var steps = Steps(sequence, bounds[w], bounds[w + 1]);
                var (episode, _) = steps[^1];
                windows += episode == 4 ? 0 : 1;
                // The window's own timestep is last and learned; everything before it in the segment is the prompt.
                Assert.True(sequence.LossMask[bounds[w + 1] - 1], "the window's action is learned");
                if (steps.Count == 1) continue;
                Assert.NotEqual(4, episode);   // a task with one episode gets no prompt
                Assert.All(sequence.LossMask[bounds[w]..(bounds[w + 1] - StepTokens)].ToArray(), Assert.False);
                Assert.InRange((steps.Count - 1) * StepTokens, 1, 30);
                var prompt = steps[..^1];
                Assert.All(prompt, p => Assert.True(p.Episode != episode && p.Episode != 4, "another episode of the same task"));
                Assert.Equal(Enumerable.Range(prompt[0].Step, prompt.Count).Select(s => (prompt[0].Episode, s)), prompt);
                prompted++;
                if (prompt[^1].Step == lengths[prompt[0].Episode] - 1) fromEnd++;
            }
        }
        Assert.InRange((double)prompted / windows, 0.22, 0.28);
        Assert.InRange((double)fromEnd / prompted, 0.44, 0.62);   // half from the end, plus uniform starts that reach it
    }

    [Fact]
    public void A_seed_and_index_fix_the_sequence()
    {
        var options = new SequenceOptions { Length = 128, PromptTokens = 40, Seed = 42 };
        var a = new TokenBuffer();
        var b = new TokenBuffer();
        new SequenceBuilder(Dataset(), options).Build(17, a);
        var other = new SequenceBuilder(Dataset(), options);
        other.Build(3, b);
        other.Build(17, b);
        Assert.Equal(a.Ids.ToArray(), b.Ids.ToArray());
        Assert.Equal(a.LossMask.ToArray(), b.LossMask.ToArray());
        new SequenceBuilder(Dataset(), options with { Seed = 43 }).Build(17, b);
        Assert.NotEqual(a.Ids.ToArray(), b.Ids.ToArray());
    }

    [Fact]
    public void A_quarter_of_sequences_get_a_prompt_from_another_episode_of_the_same_task_half_from_its_end()
    {
        var episodes = Dataset().Take(4).ToList();
        var builder = new SequenceBuilder(episodes, new SequenceOptions { Length = 128, PromptTokens = 42, Seed = 9 });
        var sequence = new TokenBuffer();
        const int draws = 4000;
        int prompted = 0, fromEnd = 0;
        for (var i = 0; i < draws; i++)
        {
            var info = builder.Build(i, sequence);
            if (info.PromptEpisode < 0)
            {
                Assert.Equal(0, info.PromptTokens);
                continue;
            }
            prompted++;
            Assert.NotEqual(info.Episode, info.PromptEpisode);
            var prompt = Steps(sequence, 0, info.PromptTokens);
            Assert.All(prompt, s => Assert.Equal(info.PromptEpisode, s.Episode));
            Assert.All(sequence.LossMask[..info.PromptTokens].ToArray(), Assert.False);
            // The learned part keeps its loss on actions.
            Assert.True(sequence.LossMask[info.PromptTokens + StepTokens - 1]);
            Assert.Equal(Enumerable.Range(prompt[0].Step, prompt.Count), prompt.Select(s => s.Step));
            if (info.PromptFromEnd)
            {
                fromEnd++;
                Assert.Equal(episodes[info.PromptEpisode].Steps.Count - 1, prompt[^1].Step);
                Assert.Equal(3, prompt.Count);
            }
        }
        // Binomial standard deviations: 0.0068 for the prompt share, about 0.016 for the end share.
        Assert.InRange(prompted / (double)draws, 0.22, 0.28);
        Assert.InRange(fromEnd / (double)prompted, 0.44, 0.56);
    }

    [Fact]
    public void Uniform_prompts_start_anywhere_in_their_episode()
    {
        var episodes = Dataset().Take(4).ToList();
        var builder = new SequenceBuilder(episodes, new SequenceOptions { Length = 128, PromptTokens = 42, PromptProbability = 1, PromptFromEndProbability = 0, Seed = 5 });
        var sequence = new TokenBuffer();
        var starts = new HashSet<(int, int)>();
        for (var i = 0; i < 2000; i++)
        {
            var info = builder.Build(i, sequence);
            Assert.False(info.PromptFromEnd);
            starts.Add(Steps(sequence, 0, info.PromptTokens)[0]);
        }
        Assert.Equal(20 + 12 + 30 + 9, starts.Count);
    }

    [Fact]
    public void A_task_with_a_single_episode_gets_no_prompt()
    {
        var builder = new SequenceBuilder([GridEpisode("alone", 0, 10)], new SequenceOptions { Length = 64, PromptTokens = 28, PromptProbability = 1 });
        var sequence = new TokenBuffer();
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(-1, builder.Build(i, sequence).PromptEpisode));
    }

    [Fact]
    public void A_timestep_longer_than_the_sequence_is_rejected()
    {
        var builder = new SequenceBuilder([GridEpisode("grid", 0, 3)], new SequenceOptions { Length = 10, PromptTokens = 2 });
        Assert.Throws<TokenBudgetException>(() => builder.Build(0, new TokenBuffer()));
    }

    [Fact]
    public void Bad_options_are_rejected()
    {
        Assert.Equal("prompt_tokens", Assert.Throws<InvalidValueException>(() =>
            new SequenceBuilder(Dataset(), new SequenceOptions { Length = 64, PromptTokens = 64 })).Field);
        Assert.Equal("episodes[0]", Assert.Throws<InvalidValueException>(() =>
            new SequenceBuilder([GridEpisode("grid", 0, 0)])).Field);
    }
}
