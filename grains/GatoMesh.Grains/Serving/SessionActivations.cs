using System.Collections.Concurrent;

namespace GatoMesh.Grains.Serving;

/// <summary>How many episode sessions are active on this silo now, in all and per fleet (its /health,
/// its share of the cluster's sessions, the observe page). One per silo, in the silo's services.</summary>
public sealed class SessionActivations
{
    private readonly ConcurrentDictionary<string, int> _byFleet = new(StringComparer.Ordinal);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Active sessions per fleet now (fleets with none are left out).</summary>
    public IReadOnlyDictionary<string, int> ByFleet() => _byFleet.Where(f => f.Value > 0).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    internal void Activated(string fleet)
    {
        Interlocked.Increment(ref _count);
        _byFleet.AddOrUpdate(fleet, 1, (_, n) => n + 1);
    }

    internal void Deactivated(string fleet)
    {
        Interlocked.Decrement(ref _count);
        _byFleet.AddOrUpdate(fleet, 0, (_, n) => n - 1);
    }
}
