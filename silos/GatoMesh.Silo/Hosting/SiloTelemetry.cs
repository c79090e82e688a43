using GatoMesh.Gateway;
using GatoMesh.Grains.Serving;
using GatoMesh.Silo.Observe;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace GatoMesh.Silo.Hosting;

/// <summary>
/// A silo's OpenTelemetry setup beside the gateway's metrics (GatewayEndpoints): the resource names the
/// silo; traces follow a step through the gateway, Orleans' grain calls, the session grain and the engine
/// (docs/GATEWAY.md, "Traces") and go to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set (OpenTelemetry's standard variable), and to what the embedder adds; and the silo reports its
/// figures to the cluster for the observe page (<see cref="SiloStatsPublisher"/>).
/// </summary>
internal static class SiloTelemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddSiloTelemetry(this IServiceCollection services, string silo, Func<bool> serving, Action<TracerProviderBuilder>? configureTracing)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("gatomesh-silo", serviceInstanceId: silo))
            .WithTracing(tracing =>
            {
                tracing.AddSource(GatewayEndpoints.TelemetryName, ServingMetrics.Name,
                    ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName);
                if (Environment.GetEnvironmentVariable(OtlpEndpointVariable) is { Length: > 0 }) tracing.AddOtlpExporter();
                configureTracing?.Invoke(tracing);
            })
            .WithMetrics(metrics => metrics.AddReader(sp => new PeriodicExportingMetricReader(
                new SiloStatsPublisher(silo, serving, sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<ModelHost>(),
                    sp.GetRequiredService<SessionActivations>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<SiloStatsPublisher>()),
                (int)SiloStatsPublisher.Period.TotalMilliseconds)));
    }
}
