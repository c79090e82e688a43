using GatoMesh.Data;
using GatoMesh.Tokens;
using GatoMesh.Torch;

namespace GatoMesh.Model;

/// <summary>How a checkpoint predicts one task's recorded actions (<see cref="ActionProbe"/>).</summary>
/// <param name="Actions">Action tokens scored.</param>
/// <param name="Correct">Greedy predictions (restricted to the token's valid ids, as serving samples) equal to the record.</param>
/// <param name="First">Action tokens of each episode's first timestep: nothing earlier to copy.</param>
/// <param name="FirstCorrect">Of those, predicted right.</param>
/// <param name="Changes">Action tokens that differ from the same token one timestep earlier.</param>
/// <param name="ChangesCorrect">Of those, predicted right: only reading the observation gets them.</param>
/// <param name="Repeats">Predictions (after the first timestep) equal to the same token one timestep earlier.</param>
public sealed record ActionProbeResult(string Task, int Episodes, int Actions, int Correct, int First, int FirstCorrect,
    int Changes, int ChangesCorrect, int Repeats)
{
    public double Accuracy => Ratio(Correct, Actions);
    public double FirstAccuracy => Ratio(FirstCorrect, First);
    public double ChangeAccuracy => Ratio(ChangesCorrect, Changes);

    /// <summary>Share of later predictions that repeat the previous action: near 1 with a low
    /// <see cref="ChangeAccuracy"/> is a model that copies instead of reading the observation.</summary>
    public double RepeatRate => Ratio(Repeats, Actions - First);

    static double Ratio(int a, int b) => b == 0 ? double.NaN : (double)a / b;
}

/// <summary>
/// Teacher-forced diagnosis of a checkpoint on a data directory: each episode's timesteps from its
/// start, as many as fit <c>sequenceLength</c> tokens, in one forward pass; every action token is
/// predicted greedily within its valid ids. Next-token accuracy alone hides a model that repeats its
/// last action (the scripted experts rarely change theirs); the probe separates the first timestep,
/// the changes, and the repeats (docs/TRAINING.md, "Diagnosing a checkpoint").
/// </summary>
public static class ActionProbe
{
    public static IReadOnlyList<ActionProbeResult> Run(GatoModel model, string dataDirectory, IReadOnlyList<string>? tasks,
        int episodes, int sequenceLength, string? textModel)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (episodes < 1) throw new InvalidTrainingOptionException("--episodes", episodes.ToString(), "must be at least 1");
        if (sequenceLength < 2) throw new InvalidTrainingOptionException("--sequence-length", sequenceLength.ToString(), "must be at least 2");
        var manifest = DatasetManifest.TryLoad(dataDirectory)
            ?? throw new InvalidTrainingOptionException("--data", dataDirectory, $"no {DatasetManifest.FileName}: write one with `gatomesh data generate`");
        var chosen = tasks is null || tasks.Count == 0 ? manifest.Tasks : tasks.Select(name => manifest.Tasks.FirstOrDefault(t => t.Name == name)
            ?? throw new InvalidTrainingOptionException("--tasks", name, $"not a task of {dataDirectory} (it has {string.Join(", ", manifest.Tasks.Select(t => t.Name))})")).ToList();
        var textPath = textModel ?? (manifest.TextModel is { } m ? Path.Combine(dataDirectory, m) : null);
        using var text = textPath is not null && File.Exists(textPath) ? SentencePieceTokenizer.Load(textPath) : null;
        var space = new TokenSpace(model.Config.TextVocab);
        return chosen.Select(task => Probe(model, task.Name,
            TrainingData.ReadEpisodes(dataDirectory, task, space, text).Take(episodes).ToList(), space, sequenceLength)).ToList();
    }

    static ActionProbeResult Probe(GatoModel model, string task, IReadOnlyList<Episode> episodes, TokenSpace space, int sequenceLength)
    {
        int actions = 0, correct = 0, first = 0, firstCorrect = 0, changes = 0, changesCorrect = 0, repeats = 0;
        var buffer = new TokenBuffer();
        var scratch = new TokenBuffer();
        foreach (var episode in episodes)
        {
            var ranges = episode.Encoder.Spec.ActionIdRanges(space);
            var k = ranges.Length;
            // Index of each timestep's first action token in the buffer.
            var starts = new List<int>();
            buffer.Clear();
            foreach (var step in episode.Steps)
            {
                scratch.Clear();
                var separator = episode.Encoder.Encode(step.Observation, step.Action, scratch);
                if (buffer.Count + scratch.Count > sequenceLength) break;
                starts.Add(buffer.Count + separator + 1);
                buffer.Append(scratch);
            }
            if (starts.Count == 0)
                throw new TokenBudgetException($"{task} episode", $"{scratch.Count} tokens", $"a timestep longer than the sequence length {sequenceLength}");
            using var noGrad = new NoGradScope();
            using var scope = DisposeScope.Begin();
            var hidden = model.Forward(ModelInput.Single(TokenBatchInputs.From(buffer)));
            var ids = buffer.Ids;
            for (var t = 0; t < starts.Count; t++)
            for (var j = 0; j < k; j++)
            {
                var position = starts[t] + j;
                var (low, high) = ranges[j];
                var logits = model.Logits(hidden.Narrow(1, position - 1, 1), low, high).ToArray<float>();
                var predicted = low + Array.IndexOf(logits, logits.Max());
                var target = ids[position];
                actions++;
                if (predicted == target) correct++;
                if (t == 0)
                {
                    first++;
                    if (predicted == target) firstCorrect++;
                    continue;
                }
                var previous = ids[starts[t - 1] + j];
                if (predicted == previous) repeats++;
                if (target != previous)
                {
                    changes++;
                    if (predicted == target) changesCorrect++;
                }
            }
        }
        return new ActionProbeResult(task, episodes.Count, actions, correct, first, firstCorrect, changes, changesCorrect, repeats);
    }
}
