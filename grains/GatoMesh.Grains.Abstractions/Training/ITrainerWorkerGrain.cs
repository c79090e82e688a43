namespace GatoMesh.Grains;

/// <summary>
/// One worker process's trainer (key: the worker id), activated on that process's own silo: it holds
/// the model replica and this rank's optimizer state, and trains on a thread of its own (grain turns
/// never run a forward pass, docs/ARCHITECTURE.md), pulling its assignments from the job's
/// <see cref="ITrainerCoordinatorGrain"/>: worker processes are silos of the job's cluster.
/// </summary>
[Alias("gatomesh.ITrainerWorkerGrain"), RequiresAdmin]
public interface ITrainerWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts working for <see cref="WorkerLaunch.JobId"/> and returns; a second call while it
    /// works changes nothing.</summary>
    Task Start(WorkerLaunch launch);

    Task<WorkerStatus> Status();
}

/// <param name="JobId">The key of the job's <see cref="ITrainerCoordinatorGrain"/>.</param>
[GenerateSerializer, Alias("gatomesh.WorkerLaunch")]
public sealed record WorkerLaunch([property: Id(0)] string JobId);

/// <param name="Done">The worker stopped: the job is over, or <see cref="Error"/> says what stopped it.</param>
[GenerateSerializer, Alias("gatomesh.WorkerStatus")]
public sealed record WorkerStatus([property: Id(0)] bool Started, [property: Id(1)] bool Done, [property: Id(2)] long Generation, [property: Id(3)] int Rank, [property: Id(4)] long Step, [property: Id(5)] string? Error);
