using GatoMesh.Runtime;

namespace GatoMesh.Grains;

/// <summary>
/// One worker process's trainer (key: the worker id), activated on that process's own silo: it holds
/// the model replica and this rank's optimizer state, and trains on a thread of its own (grain turns
/// never run a forward pass, ARCHITECTURE.md), pulling its assignments from the job's
/// <see cref="ITrainerCoordinatorGrain"/> through the job's gateway.
/// </summary>
public interface ITrainerWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts working for <see cref="WorkerLaunch.JobId"/> and returns; a second call while it
    /// works changes nothing.</summary>
    Task Start(WorkerLaunch launch);

    Task<WorkerStatus> Status();
}

/// <param name="Gateway">host:port of a gateway of the silo (or cluster) hosting the job's coordinator.</param>
public sealed record WorkerLaunch(string JobId, string Gateway);

/// <param name="Done">The worker stopped: the job is over, or <see cref="Error"/> says what stopped it.</param>
public sealed record WorkerStatus(bool Started, bool Done, long Generation, int Rank, long Step, string? Error);
