using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Hosting;

/// <summary>Membership probes over the silo transport: a ping frame that only the exact incarnation
/// (generation) answers, so a process restarted on the same address cannot vouch for a dead one.</summary>
internal sealed class TransportProber(SiloRuntime runtime, TimeSpan timeout) : ISiloProber
{
    public Task<bool> ProbeAsync(SiloAddress target, CancellationToken cancellation) =>
        runtime.ProbeAsync(target, timeout, cancellation);
}
