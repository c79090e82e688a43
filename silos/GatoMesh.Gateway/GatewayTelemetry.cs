using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace GatoMesh.Gateway;

/// <summary>
/// The gateway's metrics pipeline (docs/GATEWAY.md, "Metrics"): OpenTelemetry's SDK aggregates every
/// instrument of the GatoMesh meters and its Prometheus exporter writes them on /metrics. One choice is
/// GatoMesh's own: histograms (latencies in ms) get buckets from a fast in-process call to a step that
/// missed a 20 Hz robot's budget many times over. And a process may hold several gateways (tests), each
/// with its own <see cref="GatewayMetrics"/> meter of one name: each gateway exports only its own.
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>Every GatoMesh meter: serving grains, engine gauges, the gateway.</summary>
    public const string MeterPattern = "GatoMesh.*";

    /// <summary>The spans of a step as the gateway sees it (one per request; docs/GATEWAY.md, "Traces").</summary>
    public static readonly ActivitySource Source = new(GatewayMetrics.MeterName, "0.1.0");

    internal static readonly double[] BucketBounds = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    /// <param name="own">This gateway's meter: other gateways' meters of the same name are left out.</param>
    public static void AddMetrics(IServiceCollection services, Meter own) => services.AddOpenTelemetry().WithMetrics(metrics =>
    {
        metrics.AddMeter(MeterPattern);
        metrics.AddView(instrument => View(instrument, own));
        // Every scrape reads the instruments now: a test (or an operator) sees what just happened.
        metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
    });

    private static MetricStreamConfiguration? View(Instrument instrument, Meter own)
    {
        if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Meter != own) return MetricStreamConfiguration.Drop;
        var type = instrument.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Histogram<>)
            ? new ExplicitBucketHistogramConfiguration { Boundaries = BucketBounds }
            : null;
    }
}
