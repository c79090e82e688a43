namespace GatoMesh.Runtime.Membership;

/// <summary>
/// Which silos a silo probes: its next <c>count</c> successors on a ring of the active silos ordered
/// by a hash of their address. Every silo then is watched by the same number of peers, min(count, N-1),
/// however large the cluster, so detection time does not grow with N (Orleans' ClusterHealthMonitor
/// uses an expander graph for the same property). The hash is computed here, not with
/// string.GetHashCode, because every process must place every silo at the same point.
/// </summary>
internal static class ProbeRing
{
    public static IReadOnlyList<SiloAddress> TargetsOf(SiloAddress self, IEnumerable<SiloAddress> active, int count)
    {
        var ring = active.Append(self).Distinct().OrderBy(PointOf).ThenBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        var at = ring.IndexOf(self);
        var targets = new List<SiloAddress>(Math.Min(count, ring.Count - 1));
        for (var step = 1; step < ring.Count && targets.Count < count; step++)
            targets.Add(ring[(at + step) % ring.Count]);
        return targets;
    }

    // FNV-1a over the address text: stable across processes and versions.
    internal static ulong PointOf(SiloAddress silo)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in silo.ToString())
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
