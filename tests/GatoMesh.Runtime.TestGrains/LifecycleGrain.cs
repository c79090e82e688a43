using System.Collections.Concurrent;
using GatoMesh.Runtime;

namespace GatoMesh.Runtime.TestGrains;

public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<string> Touch();

    Task StartTimer(int periodMs);

    Task<int> Ticks();
}

/// <summary>Records its lifecycle in a process-wide journal the tests read.</summary>
public sealed class LifecycleGrain : Grain, ILifecycleGrain
{
    public static readonly ConcurrentQueue<string> Journal = new();

    private readonly string _instance = Guid.NewGuid().ToString("N");
    private int _ticks;

    public override Task OnActivateAsync(CancellationToken cancellation)
    {
        Journal.Enqueue($"activate {Key}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellation)
    {
        Journal.Enqueue($"deactivate {Key}");
        return Task.CompletedTask;
    }

    public Task<string> Touch() => Task.FromResult(_instance);

    public Task StartTimer(int periodMs)
    {
        RegisterTimer(_ =>
        {
            _ticks++;
            Journal.Enqueue($"tick {Key}");
            return Task.CompletedTask;
        }, TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs));
        return Task.CompletedTask;
    }

    public Task<int> Ticks() => Task.FromResult(_ticks);
}
