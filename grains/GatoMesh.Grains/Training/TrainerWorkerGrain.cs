using GatoMesh.Runtime;
using GatoMesh.Runtime.Client;

namespace GatoMesh.Grains;

/// <summary>
/// <see cref="ITrainerWorkerGrain"/>: owns a <see cref="TrainerWorkerLoop"/> (the replica and its
/// training thread) and the client through which the loop reaches the coordinator.
/// </summary>
public sealed class TrainerWorkerGrain : Grain, ITrainerWorkerGrain
{
    TrainerWorkerLoop? loop;
    ClusterClient? client;
    Task? running;

    public Task Start(WorkerLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (loop is not null) return Task.CompletedTask;
        client = new ClusterClient(new ClientOptions { Gateways = [launch.Gateway] });
        loop = new TrainerWorkerLoop(client.GetGrain<ITrainerCoordinatorGrain>(launch.JobId), Key);
        // A thread of its own: training steps block for long and must not hold the activation's turn.
        running = Task.Factory.StartNew(() => loop.Run(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task<WorkerStatus> Status() =>
        Task.FromResult(loop?.Snapshot() ?? new WorkerStatus(Started: false, Done: false, Generation: -1, Rank: -1, Step: 0, Error: null));

    public override async Task OnDeactivateAsync(CancellationToken cancellation)
    {
        loop?.Stop();
        if (running is not null) await running;
        if (client is not null) await client.DisposeAsync();
    }
}
