using GatoMesh.Envs;

namespace GatoMesh.Eval;

/// <summary>What to evaluate: <see cref="Episodes"/> episodes of each task with seeds
/// <c>FirstSeed + i</c>, at most <see cref="Concurrency"/> of them in flight at once.</summary>
public sealed record EvaluationOptions
{
    public required IReadOnlyList<EnvironmentTask> Tasks { get; init; }

    /// <summary>Episodes per task (the paper averages 50 rollouts).</summary>
    public int Episodes { get; init; } = 50;

    /// <summary>Episodes running at once, across tasks; each is one session, so this is the number of
    /// agents sharing the engine's batches.</summary>
    public int Concurrency { get; init; } = 256;

    /// <summary>Seeds of the evaluated episodes start here. The default lies far above the seeds
    /// <c>gatomesh data generate</c> uses (0, 1, ...), so no evaluated episode was trained on.</summary>
    public ulong FirstSeed { get; init; } = DefaultFirstSeed;

    public const ulong DefaultFirstSeed = 1_000_000;

    /// <summary>The first episodes of each task whose every step is kept for the report's filmstrips.</summary>
    public int RecordedEpisodes { get; init; } = 2;

    /// <summary>Tokens of the demonstration prompt each session opens with (<see cref="DemonstrationPrompt"/>), 0 for none:
    /// the last timesteps of an expert episode that fit, as the paper deploys Gato (section 2.4).</summary>
    public int PromptTokens { get; init; }

    /// <summary>Throws naming the first option out of range.</summary>
    public EvaluationOptions Validate()
    {
        if (Tasks.Count == 0) throw new InvalidEvaluationOptionException("--tasks", "", "name at least one task");
        var twice = Tasks.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidEvaluationOptionException("--tasks", twice.Key, "is listed twice");
        if (Episodes < 1) throw new InvalidEvaluationOptionException("--episodes", Episodes, "must be at least 1");
        if (Concurrency < 1) throw new InvalidEvaluationOptionException("--concurrency", Concurrency, "must be at least 1");
        if (RecordedEpisodes < 0) throw new InvalidEvaluationOptionException("--recorded-episodes", RecordedEpisodes, "must be at least 0");
        if (PromptTokens < 0) throw new InvalidEvaluationOptionException("--prompt-tokens", PromptTokens, "must be at least 0");
        return this;
    }
}
