using GatoMesh.Grains;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>
/// An outgoing grain call filter in the silo under test, between the gateway and the session grains: steps
/// of one chosen session wait at a gate the test opens (a step that is slow for as long as the test wants,
/// with no clock involved; it waits before it reaches the grain, so a retry of it reaches the gate too), and
/// an outage makes every session call fail as Orleans fails a call whose silo is gone. Everything else
/// reaches the real session grain untouched.
/// </summary>
internal sealed class SessionCallGate(string? gatedSessionKey) : IOutgoingGrainCallFilter
{
    private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource secondWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int arrived;
    private volatile bool outage;

    /// <summary>Completes once a gated step arrived and is waiting.</summary>
    public Task StepWaiting => this.waiting.Task;

    /// <summary>Completes once a second gated step (e.g. a client's retry of the first) is waiting too.</summary>
    public Task SecondStepWaiting => secondWaiting.Task;

    public void Open() => this.gate.TrySetResult();

    /// <summary>From now on every session call fails with <see cref="SiloUnavailableException"/>.</summary>
    public void BeginOutage() => this.outage = true;

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.Grain is IEpisodeSessionGrain)
        {
            if (this.outage) throw new SiloUnavailableException("the session's silo is gone (test outage)");
            if (context.MethodName == nameof(IEpisodeSessionGrain.Step) && context.TargetId.Key.ToString() == gatedSessionKey)
            {
                var arrived = Interlocked.Increment(ref this.arrived);
                this.waiting.TrySetResult();
                if (arrived >= 2) secondWaiting.TrySetResult();
                await this.gate.Task;
            }
        }
        await context.Invoke();
    }
}
