using GatoMesh.Runtime.Membership;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Runtime.Hosting;

/// <summary>The runtime's log events, one method each, so call sites read as what happened.</summary>
internal sealed class RuntimeLog(ILogger logger)
{
    public ILogger Logger { get; } = logger;

    public void TurnFailed(GrainId grain, Exception e) => Logger.LogError(e, "turn of grain {Grain} failed outside a request", grain);
    public void TimerFailed(GrainId grain, Exception e) => Logger.LogWarning(e, "timer of grain {Grain} threw", grain);
    public void ActivationFailed(GrainId grain, Exception e) => Logger.LogWarning(e, "activation of grain {Grain} failed", grain);
    public void DeactivationFailed(GrainId grain, Exception e) => Logger.LogWarning(e, "OnDeactivateAsync of grain {Grain} threw", grain);
    public void ConnectionRejected(string remote, string reason) => Logger.LogWarning("closing connection from {Remote}: {Reason}", remote, reason);
    public void ConnectionLost(string remote, Exception? e) => Logger.LogInformation(e, "connection to {Remote} closed", remote);
    public void ViewChanged(SiloAddress self, IReadOnlyList<SiloAddress> active) =>
        Logger.LogInformation("silo {Self}: view now {Count} active silos: {Silos}", self, active.Count, string.Join(", ", active));
    public void DeclaredDead(SiloAddress self) => Logger.LogError("silo {Self} was declared dead by the cluster: it stops serving", self);
}
