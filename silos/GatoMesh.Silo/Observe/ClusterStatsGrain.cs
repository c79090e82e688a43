using Orleans.Concurrency;

namespace GatoMesh.Silo.Observe;

/// <summary>The cluster's latest <see cref="SiloStats"/>, one per live silo: each silo reports every
/// second, the observe page reads them all from whichever silo serves it.</summary>
[Alias("gatomesh.IClusterStatsGrain")]
public interface IClusterStatsGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Report(SiloStats stats);

    /// <summary>Every silo that reported recently, by name.</summary>
    Task<IReadOnlyList<SiloStats>> Silos();
}

/// <summary>
/// Holds nothing durable: if its silo goes, the next activation is full again after one report period.
/// A silo that stopped reporting (gone, or cut off) drops out after <see cref="Stale"/>.
/// </summary>
internal sealed class ClusterStatsGrain : Grain, IClusterStatsGrain
{
    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, SiloStats> _latest = new(StringComparer.Ordinal);

    public Task Report(SiloStats stats)
    {
        if (!_latest.TryGetValue(stats.Silo, out var known) || known.At <= stats.At) _latest[stats.Silo] = stats;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SiloStats>> Silos()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var gone in _latest.Values.Where(s => now - s.At > Stale).Select(s => s.Silo).ToList()) _latest.Remove(gone);
        return Task.FromResult<IReadOnlyList<SiloStats>>([.. _latest.Values.OrderBy(s => s.Silo, StringComparer.Ordinal)]);
    }
}
