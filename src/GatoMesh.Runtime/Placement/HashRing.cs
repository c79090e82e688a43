using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Placement;

/// <summary>
/// Consistent hashing over the live silos: each silo owns <see cref="PointsPerSilo"/> points on a 32-bit
/// ring and a grain belongs to the first point at or after its hash. When a silo leaves, only the grains
/// it owned move (each to the next point); every silo with the same view computes the same owner, which
/// is what makes "at most one activation" hold without a directory table once views agree.
/// </summary>
internal sealed class HashRing
{
    public const int PointsPerSilo = 64;

    private readonly uint[] _points;
    private readonly SiloAddress[] _owners;

    public HashRing(IReadOnlyList<SiloAddress> silos)
    {
        if (silos.Count == 0) throw new ArgumentException("a ring needs at least one silo", nameof(silos));
        var points = new List<(uint Point, SiloAddress Silo)>(silos.Count * PointsPerSilo);
        foreach (var silo in silos)
        {
            for (int i = 0; i < PointsPerSilo; i++)
                points.Add((StableHash.Of($"{silo.Host}:{silo.Port}@{silo.Generation}#{i}"), silo));
        }
        // Ties (vanishingly rare) are broken by address so every silo sorts identically.
        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : string.CompareOrdinal(a.Silo.ToString(), b.Silo.ToString()));
        _points = [.. points.Select(p => p.Point)];
        _owners = [.. points.Select(p => p.Silo)];
        Silos = silos;
    }

    public IReadOnlyList<SiloAddress> Silos { get; }

    public SiloAddress OwnerOf(GrainId grain)
    {
        uint h = StableHash.Of(grain);
        int i = Array.BinarySearch(_points, h);
        if (i < 0) i = ~i;
        if (i == _points.Length) i = 0;
        return _owners[i];
    }
}

/// <summary>FNV-1a over UTF-16 code units, then a murmur finalizer: stable across processes and
/// machines (string.GetHashCode is randomized per process, so it cannot place grains).</summary>
internal static class StableHash
{
    public static uint Of(string s) => Mix(Fnv(2166136261u, s));

    public static uint Of(GrainId grain) => Mix(Fnv(Fnv(Fnv(2166136261u, grain.Type), "/"), grain.Key));

    private static uint Fnv(uint h, string s)
    {
        foreach (char c in s)
        {
            h = (h ^ (byte)c) * 16777619u;
            h = (h ^ (byte)(c >> 8)) * 16777619u;
        }
        return h;
    }

    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
