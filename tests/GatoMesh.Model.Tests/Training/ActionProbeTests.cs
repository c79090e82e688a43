using GatoMesh.Data;
using GatoMesh.Tokens;
using GatoMesh.Torch;

namespace GatoMesh.Model.Tests;

[Collection(TrainerCollection.Name)]
public sealed class ActionProbeTests(TrainerDataset data)
{
    /// <summary>The probe's one forward pass per episode against a forward pass per predicted token over
    /// just the tokens before it, and the first/change/repeat split counted here from the records. With a
    /// history K the context of each timestep is at most K timesteps (as many as fit the length).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void The_probe_counts_what_a_prefix_by_prefix_prediction_of_the_recorded_actions_gives(int history)
    {
        using var model = new GatoModel(Presets.Tiny, seed: 3);
        // A grid-world timestep is about 128 tokens.
        const int length = 160, episodes = 3;
        var results = ActionProbe.Run(model, data.Directory, ["catch", "gridworld"], episodes, length, textModel: null, history);
        Assert.Equal(["catch", "gridworld"], results.Select(r => r.Task));

        var manifest = DatasetManifest.TryLoad(data.Directory)!;
        var text = SentencePieceTokenizer.Load(Path.Combine(data.Directory, manifest.TextModel!));
        var space = new TokenSpace(model.Config.TextVocab);
        foreach (var result in results)
        {
            var entry = manifest.Tasks.Single(t => t.Name == result.Task);
            using var reader = ShardReader.Open(Path.Combine(data.Directory, entry.Shards[0]));
            var encoder = new TimestepEncoder(reader.Header.Spec!, space, text);
            var ranges = encoder.Spec.ActionIdRanges(space);
            int actions = 0, correct = 0, first = 0, firstCorrect = 0, changes = 0, changesCorrect = 0, repeats = 0;
            var values = ranges[0].High - ranges[0].Low;
            var confusion = new int[values, values];
            foreach (var episode in reader.ReadEpisodes().Take(episodes).Select(e => e.ToEpisode(encoder)))
            {
                var context = new TokenBuffer();
                var past = new List<TokenBuffer>();
                int[]? previous = null;
                foreach (var step in episode.Steps)
                {
                    var before = context.Count;
                    var current = new TokenBuffer();
                    encoder.Encode(step.Observation, step.Action, current);
                    if (history == 0)
                    {
                        context.Append(current);
                        if (context.Count > length) break;
                    }
                    else
                    {
                        var window = new List<TokenBuffer> { current };
                        for (var back = past.Count - 1; back >= 0 && window.Count < history && window.Sum(w => w.Count) + past[back].Count <= length; back--)
                            window.Insert(0, past[back]);
                        context.Clear();
                        foreach (var w in window) context.Append(w);
                        past.Add(current);
                        before = 0;
                    }
                    var recorded = context.Ids[^ranges.Length..].ToArray();
                    var predicted = new int[ranges.Length];
                    for (var j = 0; j < ranges.Length; j++)
                    {
                        // Everything before action token j of this timestep, and nothing after it.
                        var prefix = new TokenBuffer();
                        prefix.Append(context);
                        prefix.Truncate(context.Count - ranges.Length + j);
                        using var scope = DisposeScope.Begin();
                        var hidden = model.Forward(ModelInput.Single(TokenBatchInputs.From(prefix)));
                        var logits = model.Logits(hidden.Narrow(1, prefix.Count - 1, 1), ranges[j].Low, ranges[j].High).ToArray<float>();
                        predicted[j] = ranges[j].Low + Array.IndexOf(logits, logits.Max());
                        actions++;
                        if (predicted[j] == recorded[j]) correct++;
                        if (j == 0) confusion[recorded[j] - ranges[0].Low, predicted[j] - ranges[0].Low]++;
                        if (previous is null)
                        {
                            first++;
                            if (predicted[j] == recorded[j]) firstCorrect++;
                            continue;
                        }
                        if (predicted[j] == previous[j]) repeats++;
                        if (recorded[j] != previous[j])
                        {
                            changes++;
                            if (predicted[j] == recorded[j]) changesCorrect++;
                        }
                    }
                    previous = recorded;
                    Assert.True(context.Count > before);
                }
            }
            Assert.Equal(new ActionProbeResult(result.Task, episodes, actions, correct, first, firstCorrect, changes, changesCorrect, repeats),
                result with { Confusion = null });
            // Both tasks' commands are discrete (3 and 4 values): a confusion matrix of the first action token.
            Assert.NotNull(result.Confusion);
            Assert.Equal(values, result.Confusion.Length);
            for (var a = 0; a < values; a++)
                for (var b = 0; b < values; b++)
                    Assert.Equal(confusion[a, b], result.Confusion[a][b]);
            Assert.Equal(correct, Enumerable.Range(0, values).Sum(v => result.Confusion[v][v]));
            Assert.Equal(episodes * ranges.Length, result.First);
            // 18-token Catch timesteps: the window holds several, so repeats and changes are counted.
            if (result.Task == "catch") Assert.True(result.Actions > result.First, "the window holds more than one timestep");
        }
    }

    [Fact]
    public void Unknown_tasks_and_bad_counts_are_refused_by_option()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 3);
        Assert.Equal("tasks", Assert.Throws<InvalidTrainingOptionException>(() => ActionProbe.Run(model, data.Directory, ["pong"], 1, 128, null)).Field);
        Assert.Equal("episodes", Assert.Throws<InvalidTrainingOptionException>(() => ActionProbe.Run(model, data.Directory, null, 0, 128, null)).Field);
        Assert.Equal("dataDirectory", Assert.Throws<InvalidTrainingOptionException>(() => ActionProbe.Run(model, "/nonexistent-gatomesh", null, 1, 128, null)).Field);
    }
}
