namespace GatoMesh.Silo.Observe;

/// <summary>
/// One silo's figures as it reports them every second to <see cref="IClusterStatsGrain"/> (the observe
/// page, docs/DEPLOY.md "Observe"). Counters are running totals since the silo started, so a reader
/// takes rates from two reports; gauges are the value now.
/// </summary>
[GenerateSerializer, Alias("gatomesh.SiloStats")]
public sealed record SiloStats
{
    [Id(0)] public required string Silo { get; init; }

    [Id(1)] public required DateTimeOffset At { get; init; }

    [Id(3)] public required string ModelVersion { get; init; }

    /// <summary>Active session activations on this silo, by fleet.</summary>
    [Id(4)] public required IReadOnlyDictionary<string, int> SessionsByFleet { get; init; }

    /// <summary>Step requests this silo's gateway answered (total).</summary>
    [Id(5)] public long Steps { get; init; }

    /// <summary>Upper bounds (ms) of the step-latency buckets; the last bucket is everything above.</summary>
    [Id(6)] public double[] LatencyBoundsMs { get; init; } = [];

    /// <summary>Steps per latency bucket (not cumulative), one more entry than <see cref="LatencyBoundsMs"/>.</summary>
    [Id(7)] public long[] LatencyCounts { get; init; } = [];

    [Id(8)] public double LatencySumMs { get; init; }

    /// <summary>Engine iterations (forward passes) and the sequences they batched, in total.</summary>
    [Id(9)] public long EngineIterations { get; init; }

    [Id(10)] public long BatchedSequences { get; init; }

    [Id(11)] public long KvBlocksUsed { get; init; }

    [Id(12)] public long KvBlocksTotal { get; init; }

    [Id(13)] public long Evictions { get; init; }

    [Id(14)] public long CacheMisses { get; init; }
}
