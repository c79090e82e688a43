using GatoMesh.Grains.Serving;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace GatoMesh.Silo.Observe;

/// <summary>
/// Reports this silo's <see cref="SiloStats"/> to the cluster every export period. It is an OpenTelemetry
/// metric exporter, so the step latencies it reports are the ones OpenTelemetry aggregated for /metrics
/// (the gateway's <c>gatomesh.gateway.request.duration</c> of <c>op=step</c>: what a robot waits); the
/// engine's figures, the sessions and the model version it reads from the silo's own services.
/// </summary>
internal sealed class SiloStatsPublisher(string silo, Func<bool> serving, IGrainFactory grains, ModelHost model,
    SessionActivations sessions, ILogger log) : BaseExporter<Metric>
{
    public const string StepLatency = "gatomesh.gateway.request.duration";

    /// <summary>How often a silo reports (and the observe page can refresh).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    public override ExportResult Export(in Batch<Metric> batch)
    {
        // Only a serving silo reports: before it is active in membership the stats grain cannot be
        // placed, and a stopping one is about to drop out (the page forgets it after ClusterStatsGrain.Stale).
        if (!serving()) return ExportResult.Success;
        var stats = Snapshot();
        foreach (var metric in batch)
            if (metric.Name == StepLatency) stats = WithSteps(stats, metric);
        // One-way and never awaited: the exporter thread must not wait on the cluster.
        try
        {
            _ = grains.GetGrain<IClusterStatsGrain>(0).Report(stats);
        }
        catch (Exception e)
        {
            log.LogDebug(e, "could not report silo stats");
        }
        return ExportResult.Success;
    }

    private SiloStats Snapshot()
    {
        var engine = model.Engine.Metrics;
        return new SiloStats
        {
            Silo = silo,
            At = DateTimeOffset.UtcNow,
            ModelVersion = model.Current.Id,
            SessionsByFleet = sessions.ByFleet(),
            EngineIterations = engine.Iterations,
            BatchedSequences = engine.BatchedSequences,
            KvBlocksUsed = engine.UsedBlocks,
            KvBlocksTotal = engine.TotalBlocks,
            Evictions = engine.Evictions,
            CacheMisses = engine.CacheMisses,
        };
    }

    private static SiloStats WithSteps(SiloStats stats, Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var step = false;
            foreach (var tag in point.Tags)
                if (tag.Key == "op" && tag.Value as string == "step") step = true;
            if (!step) continue;
            var bounds = new List<double>();
            var counts = new List<long>();
            foreach (var bucket in point.GetHistogramBuckets())
            {
                if (!double.IsPositiveInfinity(bucket.ExplicitBound)) bounds.Add(bucket.ExplicitBound);
                counts.Add(bucket.BucketCount);
            }
            return stats with
            {
                Steps = point.GetHistogramCount(),
                LatencySumMs = point.GetHistogramSum(),
                LatencyBoundsMs = [.. bounds],
                LatencyCounts = [.. counts],
            };
        }
        return stats;
    }
}
