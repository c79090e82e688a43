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
    /// <summary>For a task whose first action token takes at most <see cref="ActionProbe.ConfusionLimit"/> ids
    /// (a discrete command): <c>Confusion[recorded][predicted]</c>, counting value indices from the range's
    /// first id. Which actions a checkpoint gets wrong, and as what. Null otherwise.</summary>
    public int[][]? Confusion { get; init; }

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
/// start, as many as fit <c>sequenceLength</c> tokens, in one forward pass (or, for a checkpoint trained
/// with a history of K timesteps, each timestep in its own K-timestep window); every action token is
/// predicted greedily within its valid ids. Next-token accuracy alone hides a model that repeats its
/// last action (the scripted experts rarely change theirs); the probe separates the first timestep,
/// the changes, and the repeats (docs/TRAINING.md, "Diagnosing a checkpoint").
/// </summary>
public static class ActionProbe
{
    /// <summary>The largest first-action range the probe tabulates a confusion matrix for.</summary>
    public const int ConfusionLimit = 16;

    public static IReadOnlyList<ActionProbeResult> Run(GatoModel model, string dataDirectory, IReadOnlyList<string>? tasks,
        int episodes, int sequenceLength, string? textModel, int history = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (episodes < 1) throw new InvalidTrainingOptionException(nameof(episodes), episodes, "must be at least 1");
        if (history < 0) throw new InvalidTrainingOptionException(nameof(history), history, "must be 0 (no limit) or a number of timesteps");
        if (sequenceLength < 2) throw new InvalidTrainingOptionException(nameof(sequenceLength), sequenceLength, "must be at least 2");
        var manifest = DatasetManifest.TryLoad(dataDirectory)
            ?? throw new InvalidTrainingOptionException(nameof(dataDirectory), dataDirectory, $"no {DatasetManifest.FileName}: write one with `gatomesh data generate`");
        var chosen = tasks is null || tasks.Count == 0 ? manifest.Tasks : tasks.Select(name => manifest.Tasks.FirstOrDefault(t => t.Name == name)
            ?? throw new InvalidTrainingOptionException(nameof(tasks), name, $"not a task of {dataDirectory} (it has {string.Join(", ", manifest.Tasks.Select(t => t.Name))})")).ToList();
        var textPath = textModel ?? (manifest.TextModel is { } m ? Path.Combine(dataDirectory, m) : null);
        var text = textPath is not null && File.Exists(textPath) ? SentencePieceTokenizer.Load(textPath) : null;
        var space = new TokenSpace(model.Config.TextVocab);
        return chosen.Select(task => Probe(model, task.Name,
            TrainingData.ReadEpisodes(dataDirectory, task, space, text).Take(episodes).ToList(), space, sequenceLength, history)).ToList();
    }

    static ActionProbeResult Probe(GatoModel model, string task, IReadOnlyList<Episode> episodes, TokenSpace space, int sequenceLength, int history)
    {
        int actions = 0, correct = 0, first = 0, firstCorrect = 0, changes = 0, changesCorrect = 0, repeats = 0;
        var range = episodes.Count > 0 ? episodes[0].Encoder.Spec.ActionIdRanges(space)[0] : default;
        var confusion = episodes.Count > 0 && range.High - range.Low <= ConfusionLimit
            ? Enumerable.Range(0, range.High - range.Low).Select(_ => new int[range.High - range.Low]).ToArray()
            : null;
        foreach (var episode in episodes)
        {
            var (predicted, targets) = Predict(model, task, episode, space, sequenceLength, history);
            for (var t = 0; t < predicted.Length; t++)
            for (var j = 0; j < predicted[t].Length; j++)
            {
                var (guess, target) = (predicted[t][j], targets[t][j]);
                actions++;
                if (guess == target) correct++;
                if (j == 0 && confusion is not null) confusion[target - range.Low][guess - range.Low]++;
                if (t == 0)
                {
                    first++;
                    if (guess == target) firstCorrect++;
                    continue;
                }
                var previous = targets[t - 1][j];
                if (guess == previous) repeats++;
                if (target != previous)
                {
                    changes++;
                    if (guess == target) changesCorrect++;
                }
            }
        }
        return new ActionProbeResult(task, episodes.Count, actions, correct, first, firstCorrect, changes, changesCorrect, repeats)
        {
            Confusion = confusion,
        };
    }

    /// <summary>Greedy predictions and recorded ids of every action token of the episode's timesteps that fit
    /// the window: with <paramref name="history"/> 0 one forward pass over the episode from its start; with K
    /// a pass per timestep over it and at most K - 1 timesteps before it (the window it is served with).</summary>
    static (int[][] Predicted, int[][] Targets) Predict(GatoModel model, string task, Episode episode, TokenSpace space, int sequenceLength, int history)
    {
        var ranges = episode.Encoder.Spec.ActionIdRanges(space);
        var encoded = new List<TokenBuffer>();
        var separators = new List<int>();
        var used = 0;
        foreach (var step in episode.Steps)
        {
            var tokens = new TokenBuffer();
            var separator = episode.Encoder.Encode(step.Observation, step.Action, tokens);
            if (tokens.Count > sequenceLength)
                throw new TokenBudgetException($"{task} episode", $"{tokens.Count} tokens", $"a timestep longer than the sequence length {sequenceLength}");
            // Without a history limit the window is the episode from its start.
            if (history == 0 && used + tokens.Count > sequenceLength) break;
            used += tokens.Count;
            encoded.Add(tokens);
            separators.Add(separator);
        }
        var predicted = new int[encoded.Count][];
        var targets = new int[encoded.Count][];
        if (history == 0)
            Score(0, 0, encoded.Count - 1);
        else
            for (var t = 0; t < encoded.Count; t++)
            {
                // The served window: whole earlier timesteps while they fit, at most K - 1 of them.
                var from = t;
                for (var tokens = encoded[t].Count; from > 0 && t - from + 1 < history && tokens + encoded[from - 1].Count <= sequenceLength; from--)
                    tokens += encoded[from - 1].Count;
                Score(from, t, t);
            }
        return (predicted, targets);

        // One forward pass over timesteps [from, lastScored]; predictions for [firstScored, lastScored].
        void Score(int from, int firstScored, int lastScored)
        {
            var window = new TokenBuffer();
            for (var u = from; u <= lastScored; u++) window.Append(encoded[u]);
            using var noGrad = new NoGradScope();
            using var scope = DisposeScope.Begin();
            var hidden = model.Forward(ModelInput.Single(TokenBatchInputs.From(window)));
            var offset = 0;
            for (var u = from; u <= lastScored; u++)
            {
                if (u >= firstScored)
                {
                    predicted[u] = new int[ranges.Length];
                    targets[u] = new int[ranges.Length];
                    for (var j = 0; j < ranges.Length; j++)
                    {
                        var position = offset + separators[u] + 1 + j;
                        var (low, high) = ranges[j];
                        var logits = model.Logits(hidden.Narrow(1, position - 1, 1), low, high).ToArray<float>();
                        predicted[u][j] = low + Array.IndexOf(logits, logits.Max());
                        targets[u][j] = window.Ids[position];
                    }
                }
                offset += encoded[u].Count;
            }
        }
    }
}
