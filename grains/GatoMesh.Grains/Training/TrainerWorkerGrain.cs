namespace GatoMesh.Grains;

/// <summary>
/// <see cref="ITrainerWorkerGrain"/>: owns a <see cref="TrainerWorkerLoop"/> (the replica and its
/// training thread), which reaches the job's coordinator through this silo: worker processes are silos
/// of the job's cluster. Activated on the worker process's own silo (the process starts it there:
/// <see cref="PreferLocalPlacementAttribute"/>).
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class TrainerWorkerGrain : Grain, ITrainerWorkerGrain
{
    TrainerWorkerLoop? loop;
    Task? running;

    public Task Start(WorkerLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (loop is not null) return Task.CompletedTask;
        // Start is an admin call (RequiresAdmin), so the caller presented the key; the loop's calls carry it on.
        var adminKey = RequestContext.Get(AdminCredential.RequestContextKey) as string
            ?? throw new AdminCredentialRequiredException(nameof(ITrainerWorkerGrain.Start));
        loop = new TrainerWorkerLoop(GrainFactory.GetGrain<ITrainerCoordinatorGrain>(launch.JobId), this.GetPrimaryKeyString(), adminKey);
        // A thread of its own: training steps block for long and must not hold the activation's turn.
        running = Task.Factory.StartNew(() => loop.Run(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task<WorkerStatus> Status() =>
        Task.FromResult(loop?.Snapshot() ?? new WorkerStatus(Started: false, Done: false, Generation: -1, Rank: -1, Step: 0, Error: null));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        loop?.Stop();
        if (running is not null) await running;
    }
}
