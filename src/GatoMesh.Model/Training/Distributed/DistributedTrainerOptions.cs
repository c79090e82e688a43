namespace GatoMesh.Model;

/// <summary>
/// A data-parallel run: the single-process <see cref="TrainerOptions"/> (the global batch is
/// <see cref="TrainerOptions.BatchSize"/>, whatever the number of workers) plus how the batch is cut
/// and how the optimizer is kept.
/// </summary>
public sealed record DistributedTrainerOptions
{
    public required TrainerOptions Training { get; init; }

    public DataParallelism Parallelism { get; init; } = DataParallelism.Replicated;

    /// <summary>
    /// The global batch is cut into this many equal micro-batches, each with its own dropout seed
    /// (seed, step * MicroBatches + m); rank r of W runs micro-batches r, r + W, .... The math of a
    /// step therefore depends on the micro-batches, never on the number of workers, so 1 and 2 workers
    /// (and a job restarted with fewer) compute the same losses. Must divide the batch size; fixed for a run.
    /// With 1, a one-worker run is the single-process trainer's run.
    /// </summary>
    public int MicroBatches { get; init; } = 1;
}
