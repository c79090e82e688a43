using System.Collections.Concurrent;
using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Membership;

/// <summary>
/// A test double of the network between silos of one process: a probe succeeds when both ends are up and
/// neither is isolated. Membership runs over a real table; only silo-to-silo reachability is simulated,
/// so a test can cut one silo off while it still reaches the table, as a network partition would.
/// </summary>
internal sealed class SimulatedNetwork
{
    private readonly ConcurrentDictionary<SiloAddress, bool> _reachable = new();

    /// <summary>The silo answers probes (addressed to its exact generation) from now on.</summary>
    public void Connect(SiloAddress silo) => _reachable[silo] = true;

    /// <summary>The silo neither answers probes nor reaches anyone with its own.</summary>
    public void Isolate(SiloAddress silo) => _reachable[silo] = false;

    /// <summary>The silo's process is gone.</summary>
    public void Remove(SiloAddress silo) => _reachable.TryRemove(silo, out _);

    public ISiloProber ProberFor(SiloAddress from) => new Prober(this, from);

    private bool CanReach(SiloAddress from, SiloAddress to) =>
        _reachable.GetValueOrDefault(from) && _reachable.GetValueOrDefault(to);

    private sealed class Prober(SimulatedNetwork network, SiloAddress from) : ISiloProber
    {
        public Task<bool> ProbeAsync(SiloAddress target, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            return Task.FromResult(network.CanReach(from, target));
        }
    }
}
