namespace GatoMesh.Model;

/// <summary>
/// Everything a training run depends on (docs/TRAINING.md). Batches derive from (<see cref="Seed"/>,
/// step) alone, so these options and a checkpoint's step fix the rest of the run exactly.
/// Defaults are the paper's (section 2.3; GATO.md "Training") where it gives them.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>The model's shape; <see cref="Presets.Get"/> for a preset name.</summary>
    public required GatoConfig Config { get; init; }

    /// <summary>A data directory written by <c>gatomesh data generate</c> (docs/DATA.md).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Where checkpoints, <c>latest</c> and <c>loss.png</c> go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Total optimizer steps; also the end of the cosine decay. With <see cref="Minutes"/>, the most the run
    /// may take: the trainer fits the step count to the budget and records it.</summary>
    public required long Steps { get; init; }

    /// <summary>A wall-clock budget in minutes, counted from <see cref="Trainer.Open"/>, or null to count steps. The
    /// trainer measures its own speed over the first steps (the warmup, at least <see cref="Trainer.FitSteps"/>), sets
    /// the run's step count to what the rest of the budget holds at that speed (so the cosine decay ends with the
    /// budget), fits it again at every checkpoint, and stops at the budget with a checkpoint if the machine slows
    /// down after the last fit (docs/TRAINING.md, "Time budget").</summary>
    public double? Minutes { get; init; }

    /// <summary>The command line and commit of the run, recorded in every checkpoint's trainer.json.</summary>
    public RunProvenance? Provenance { get; init; }

    /// <summary>Sequences per step.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Tokens per sequence, L (paper: 1024); at most the model's context.</summary>
    public int SequenceLength { get; init; } = 1024;

    public double PeakLearningRate { get; init; } = 1e-4;

    /// <summary>Linear warmup from 0 (paper: 15,000 steps; capped at <see cref="Steps"/>).</summary>
    public long WarmupSteps { get; init; } = 15_000;

    /// <summary>AdamW weight decay (paper: 0.1).</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Global gradient-norm clip (paper: 1.0).</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Relative sampling weight per task name; a task not listed weighs 1, a task at 0 is
    /// never sampled. Every name must be a task of the data directory.</summary>
    public IReadOnlyDictionary<string, double> TaskWeights { get; init; } = new Dictionary<string, double>();

    /// <summary>Relative weight of a task's text and action tokens in the loss, per task name; a task not
    /// listed weighs 1. The loss is the weighted mean <c>sum(w * CE) / sum(w)</c> over the masked tokens,
    /// so a task with few targets a token (the grid world: one action per ~128-token window) can count
    /// for more without costing the compute of sampling it more (docs/TRAINING.md, "Loss weights").
    /// Every name must be a task of the data directory; every weight finite and &gt; 0.</summary>
    public IReadOnlyDictionary<string, double> LossWeights { get; init; } = new Dictionary<string, double>();

    /// <summary>Share of sequences that start with a prompt from another episode of the same task (paper: 25%).</summary>
    public double PromptProbability { get; init; } = 0.25;

    /// <summary>Timesteps of history a training window holds; 0 (the paper) for no limit. K &gt; 0 packs
    /// independent K-timestep windows into each sequence (<c>SequenceOptions.History</c>) and the checkpoint
    /// is served with a K-timestep window (docs/TRAINING.md, "History").</summary>
    public int History { get; init; }

    public ulong Seed { get; init; }

    /// <summary>What the transformer's matrix products compute in (<see cref="GatoModel.Precision"/>): fp32 (the
    /// default), or bfloat16 under libtorch's CPU autocast, about 1.7 times the tokens a second on this machine's
    /// AVX-512 BF16 cores with weights, gradients and optimizer state still fp32 (docs/TRAINING.md, "Precision").
    /// Part of the run: a resume must use the same.</summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Float32;

    /// <summary>A checkpoint every this many steps (and always at the end of a run).</summary>
    public long CheckpointEvery { get; init; } = 1000;
}
