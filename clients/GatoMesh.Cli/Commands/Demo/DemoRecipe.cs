using GatoMesh.Envs;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary>
/// How the demo trains gato-small: the recipe of the 30-minute goal (docs/TRAINING.md, "The
/// gato-small recipe"), with the step count sized to the demo's time budget.
/// </summary>
internal static class DemoRecipe
{
    /// <summary>Expert episodes generated per task (and captioned images).</summary>
    public const int DataEpisodes = 1000;

    /// <summary>Recorded actions that are the random policy's: without it the model learns to repeat its
    /// last action instead of reading the observation (docs/DATA.md, "Expert noise").</summary>
    public const double ExpertNoise = 0.2;

    /// <summary>Tokens per training sequence, and so the window the checkpoint is served with: whole
    /// timesteps of every task fit (a grid-world timestep is 85 tokens), and short sequences waste
    /// little padding on the short Catch and grid-world episodes.</summary>
    public const int SequenceLength = 256;

    public const int BatchSize = 8;
    public const double PeakLearningRate = 2e-3;
    public const long WarmupSteps = 10;

    /// <summary>Evaluation runs without prompts, so training spends no tokens on them.</summary>
    public const double PromptProbability = 0;

    /// <summary>The grid world weighs most (its 85-token timesteps give one action each), captions
    /// nothing (no control task reads them).</summary>
    public static IReadOnlyDictionary<string, double> TaskWeights { get; } = new Dictionary<string, double>
    {
        ["catch"] = 1.5, ["gridworld"] = 2, ["cartpole-swingup"] = 1, ["reacher"] = 1, [CaptionedScenes.Task] = 0,
    };

    public static TrainerOptions Options(string data, string run, long steps) => new()
    {
        Config = Presets.Small,
        DataDirectory = data,
        OutputDirectory = run,
        Steps = steps,
        BatchSize = BatchSize,
        SequenceLength = SequenceLength,
        PeakLearningRate = PeakLearningRate,
        WarmupSteps = WarmupSteps,
        PromptProbability = PromptProbability,
        TaskWeights = TaskWeights,
        CheckpointEvery = 25,
    };
}
