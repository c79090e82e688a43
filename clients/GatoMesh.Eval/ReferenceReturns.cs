using GatoMesh.Data;
using GatoMesh.Envs;

namespace GatoMesh.Eval;

/// <summary>
/// The expert and random returns each task's score is normalized against (GATO.md, "Evaluation";
/// envs/GatoMesh.Envs/Scoring). Either the ones a data directory's manifest cached when its expert
/// data was generated (the returns the training data was filtered by), or measured afresh by running
/// both policies on seeds <c>[firstSeed, firstSeed + episodes)</c> as <c>gatomesh data generate</c> does.
/// </summary>
public sealed class ReferenceReturns
{
    readonly Dictionary<string, TaskScores> scores;

    ReferenceReturns(Dictionary<string, TaskScores> scores, string source)
    {
        this.scores = scores;
        Source = source;
    }

    /// <summary>Where the returns came from, for the report.</summary>
    public string Source { get; }

    public TaskScores For(string task) => scores.TryGetValue(task, out var s)
        ? s
        : throw new InvalidEvaluationOptionException("--tasks", task, $"no reference returns for it ({Source})");

    public static ReferenceReturns Measure(IEnumerable<EnvironmentTask> tasks, int episodes = 200, ulong firstSeed = 0) =>
        new(tasks.ToDictionary(t => t.Name, t => TaskScores.Measure(t, episodes, firstSeed)),
            $"measured over {episodes} episodes of each policy from seed {firstSeed}");

    /// <summary>The returns cached in <paramref name="directory"/>'s manifest for <paramref name="tasks"/>;
    /// a task the manifest lacks is an <see cref="InvalidEvaluationOptionException"/> naming it.</summary>
    public static ReferenceReturns FromData(string directory, IEnumerable<string> tasks)
    {
        var manifest = DatasetManifest.TryLoad(directory)
            ?? throw new InvalidEvaluationOptionException("--data", directory, $"no {DatasetManifest.FileName}: write one with `gatomesh data generate`");
        var scores = new Dictionary<string, TaskScores>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            var entry = manifest.Tasks.FirstOrDefault(t => t.Name == task)
                ?? throw new InvalidEvaluationOptionException("--tasks", task, $"not a task of {directory} (it has {string.Join(", ", manifest.Tasks.Select(t => t.Name))})");
            scores[task] = new TaskScores(task, entry.ExpertReturn, entry.RandomReturn, entry.EpisodesGenerated, entry.FirstSeed);
        }
        return new ReferenceReturns(scores, $"the manifest of {directory}");
    }
}
