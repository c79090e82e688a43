using System.Diagnostics.Metrics;

namespace GatoMesh.Runtime.Metrics;

/// <summary>The runtime's instruments on Meter "GatoMesh.Runtime" (System.Diagnostics.Metrics: any
/// MeterListener, dotnet-counters or OpenTelemetry exporter can read them). Shared by every silo and
/// client in the process.</summary>
internal sealed class RuntimeMetrics
{
    public const string MeterName = "GatoMesh.Runtime";

    public static readonly RuntimeMetrics Instance = new();

    private readonly Meter _meter = new(MeterName, "0.1.0");

    private RuntimeMetrics()
    {
        Calls = _meter.CreateCounter<long>("gatomesh.runtime.calls", "{call}", "Grain calls completed (by any outcome), counted by the caller.");
        CallLatency = _meter.CreateHistogram<double>("gatomesh.runtime.call.duration", "ms", "Grain call latency seen by the caller.");
        Activations = _meter.CreateUpDownCounter<long>("gatomesh.runtime.activations", "{activation}", "Live grain activations.");
        QueueDepth = _meter.CreateUpDownCounter<long>("gatomesh.runtime.queue.depth", "{request}", "Requests queued at activations and not yet started.");
    }

    public Counter<long> Calls { get; }
    public Histogram<double> CallLatency { get; }
    public UpDownCounter<long> Activations { get; }
    public UpDownCounter<long> QueueDepth { get; }
}
