namespace GatoMesh.Grains;

/// <summary>
/// Everything a worker needs to build the same data-parallel trainer as every other rank: the
/// single-process trainer's options (docs/TRAINING.md) plus the parallelism. Paths must be readable
/// and writable by every worker process (they share one machine, docs/DISTRIBUTED.md).
/// </summary>
public sealed record TrainingJob
{
    /// <summary>The model's config.json text (GatoConfig.ToJson).</summary>
    public required string ConfigJson { get; init; }
    public required string DataDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public required long Steps { get; init; }
    public int BatchSize { get; init; } = 8;
    public int SequenceLength { get; init; } = 1024;
    public double PeakLearningRate { get; init; } = 1e-4;
    public long WarmupSteps { get; init; }
    public double WeightDecay { get; init; } = 0.1;
    public double ClipNorm { get; init; } = 1.0;
    public Dictionary<string, double> TaskWeights { get; init; } = [];
    public Dictionary<string, double> LossWeights { get; init; } = [];
    public double PromptProbability { get; init; } = 0.25;
    public int History { get; init; }
    /// <summary>fp32 or bf16 (the trainer's ComputePrecision by name).</summary>
    public string Precision { get; init; } = "fp32";
    public ulong Seed { get; init; }
    public long CheckpointEvery { get; init; } = 1000;

    /// <summary>Workers of the first generation; later generations take the workers still alive.</summary>
    public required int Workers { get; init; }

    /// <summary>Micro-batches the global batch is cut into; fixed for the job, so the math does not depend
    /// on how many workers run it.</summary>
    public required int MicroBatches { get; init; }

    /// <summary>ZeRO stage 1 (sharded AdamW state) instead of plain data parallelism.</summary>
    public bool Zero1 { get; init; }

    /// <summary>libtorch intra-op threads per worker (1: the fair setting on a 2-core machine).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>A worker silent this long (no join, report or failure) is taken as gone.</summary>
    public double WorkerTimeoutSeconds { get; init; } = 120;

    /// <summary>Generations ended by failures after which the job fails instead of restarting again (a fault
    /// that every restart meets, such as an unreadable checkpoint, must not loop forever).</summary>
    public int MaxRestarts { get; init; } = 20;

    /// <summary>Seconds a process-group rendezvous or collective may wait for a peer.</summary>
    public double CollectiveTimeoutSeconds { get; init; } = 60;
}
