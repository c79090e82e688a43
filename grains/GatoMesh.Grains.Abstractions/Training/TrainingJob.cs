namespace GatoMesh.Grains;

/// <summary>
/// Everything a worker needs to build the same data-parallel trainer as every other rank: the
/// single-process trainer's options (docs/TRAINING.md) plus the parallelism. Paths must be readable
/// and writable by every worker process (they share one machine, docs/DISTRIBUTED.md).
/// </summary>
[GenerateSerializer, Alias("gatomesh.TrainingJob")]
public sealed record TrainingJob
{
    /// <summary>The model's config.json text (GatoConfig.ToJson).</summary>
    [Id(0)] public required string ConfigJson { get; init; }
    [Id(1)] public required string DataDirectory { get; init; }
    [Id(2)] public required string OutputDirectory { get; init; }
    [Id(3)] public required long Steps { get; init; }
    [Id(4)] public int BatchSize { get; init; } = 8;
    [Id(5)] public int SequenceLength { get; init; } = 1024;
    [Id(6)] public double PeakLearningRate { get; init; } = 1e-4;
    [Id(7)] public long WarmupSteps { get; init; }
    [Id(8)] public double WeightDecay { get; init; } = 0.1;
    [Id(9)] public double ClipNorm { get; init; } = 1.0;
    [Id(10)] public Dictionary<string, double> TaskWeights { get; init; } = [];
    [Id(11)] public Dictionary<string, double> LossWeights { get; init; } = [];
    [Id(12)] public double PromptProbability { get; init; } = 0.25;
    [Id(13)] public int History { get; init; }
    /// <summary>fp32 or bf16 (the trainer's ComputePrecision by name).</summary>
    [Id(14)] public string Precision { get; init; } = "fp32";
    [Id(15)] public ulong Seed { get; init; }
    [Id(16)] public long CheckpointEvery { get; init; } = 1000;

    /// <summary>Workers of the first generation; later generations take the workers still alive.</summary>
    [Id(17)] public required int Workers { get; init; }

    /// <summary>Micro-batches the global batch is cut into; fixed for the job, so the math does not depend
    /// on how many workers run it.</summary>
    [Id(18)] public required int MicroBatches { get; init; }

    /// <summary>ZeRO stage 1 (sharded AdamW state) instead of plain data parallelism.</summary>
    [Id(19)] public bool Zero1 { get; init; }

    /// <summary>libtorch intra-op threads per worker (1: the fair setting on a 2-core machine).</summary>
    [Id(20)] public int Threads { get; init; } = 1;

    /// <summary>A worker silent this long (no join, report or failure) is taken as gone.</summary>
    [Id(21)] public double WorkerTimeoutSeconds { get; init; } = 120;

    /// <summary>Generations ended by failures after which the job fails instead of restarting again (a fault
    /// that every restart meets, such as an unreadable checkpoint, must not loop forever).</summary>
    [Id(22)] public int MaxRestarts { get; init; } = 20;

    /// <summary>Seconds a process-group rendezvous or collective may wait for a peer.</summary>
    [Id(23)] public double CollectiveTimeoutSeconds { get; init; } = 60;
}
