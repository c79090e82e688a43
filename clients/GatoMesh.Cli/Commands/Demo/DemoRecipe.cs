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

    /// <summary>Steps on which the random policy's action is executed, so the data visits states off the
    /// expert's path (docs/DATA.md, "Expert noise").</summary>
    public const double ExpertNoise = 0.2;

    /// <summary>Those steps record the expert's action for the observation (DART): without history there
    /// is no previous action to copy, so no label needs to be random.</summary>
    public const NoiseLabels Labels = NoiseLabels.Expert;

    /// <summary>Tokens per training sequence, and so the window the checkpoint is served with: two
    /// grid-world windows fit (a grid-world timestep is about 128 tokens: the 121-cell view, the
    /// mission, the separator and the action), and short sequences waste little padding.</summary>
    public const int SequenceLength = 288;

    /// <summary>Windows of one timestep: every task is Markov, and with history the model copies its
    /// previous action (docs/TRAINING.md, "History"); a sequence packs 16 Catch or 41 cartpole windows.</summary>
    public const int History = 1;

    /// <summary>No dropout: 30 minutes are far from overfitting, and dropout slowed the image path.</summary>
    public const float Dropout = 0;

    /// <summary>The transformer's matrix products in bfloat16 (CPU autocast, weights fp32) on both cores: about
    /// 2.7 times the fp32 single-thread tokens a second here (docs/TRAINING.md, "Precision").</summary>
    public const ComputePrecision Precision = ComputePrecision.BFloat16;

    /// <summary>libtorch intra-op threads while training; bfloat16 products go through oneDNN, which scales to both
    /// cores where fp32 (OpenBLAS) does not.</summary>
    public const int Threads = 2;

    public const int BatchSize = 8;
    public const double PeakLearningRate = 1e-3;
    public const long WarmupSteps = 10;

    /// <summary>No prompts: a prompted one-timestep window costs up to 72 prompt tokens for 7-18 learned ones, and
    /// evaluation runs without them (docs/TRAINING.md, "Prompts").</summary>
    public const double PromptProbability = 0;

    /// <summary>Rows of a batch by task: the grid world and reacher most (a 288-token row holds two grid-world
    /// timesteps; reacher reached 79-93% with weight 4 against 44% with 2.5), Catch 2.5 (with patch_norm it learns
    /// by step ~1500) and pixel go-to 2 (the same board, a row and a column to read), cartpole swing-up 1 (a row
    /// holds 41 cartpole windows) and balance 0.5 (the swing-up's last phase), the point mass 0.5 (a linear policy,
    /// 41 windows a row), captions 1.5 (8 captions of 16 words a row), the unscored caption pairs nothing.
    /// docs/TRAINING.md has the runs behind these.</summary>
    public static IReadOnlyDictionary<string, double> TaskWeights { get; } = new Dictionary<string, double>
    {
        ["catch"] = 2.5, ["pixel-goto"] = 2, ["gridworld"] = 4, ["cartpole-swingup"] = 1, ["cartpole-balance"] = 0.5,
        ["reacher"] = 4, ["point-mass"] = 0.5, ["caption"] = 1.5, [CaptionedScenes.Task] = 0,
    };

    /// <summary>The recipe's options; with no step count the run is a time budget's (<see cref="TrainerOptions.Minutes"/>).</summary>
    public static TrainerOptions Options(string data, string run, long steps = long.MaxValue / 4) => new()
    {
        Config = Presets.Small with { Dropout = Dropout },
        DataDirectory = data,
        OutputDirectory = run,
        Steps = steps,
        BatchSize = BatchSize,
        SequenceLength = SequenceLength,
        PeakLearningRate = PeakLearningRate,
        WarmupSteps = WarmupSteps,
        PromptProbability = PromptProbability,
        History = History,
        Precision = Precision,
        TaskWeights = TaskWeights,
        CheckpointEvery = 25,
    };
}
