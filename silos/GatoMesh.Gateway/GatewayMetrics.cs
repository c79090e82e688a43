using System.Diagnostics.Metrics;
using GatoMesh.Grains;

namespace GatoMesh.Gateway;

/// <summary>The meter <c>GatoMesh.Gateway</c> (docs/GATEWAY.md, "Metrics"). One per server, so two
/// gateways in one process (tests) count separately; /metrics shows every GatoMesh meter alive.</summary>
internal sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "GatoMesh.Gateway";

    private readonly Meter meter = new(MeterName, "0.1.0");
    private readonly Counter<long> connections;
    private readonly UpDownCounter<long> openConnections;
    private readonly Counter<long> frames;
    private readonly Counter<long> errors;
    private readonly Histogram<double> requestDuration;

    public GatewayMetrics()
    {
        this.connections = this.meter.CreateCounter<long>("gatomesh.gateway.connections", description: "WebSocket connections accepted");
        openConnections = this.meter.CreateUpDownCounter<long>("gatomesh.gateway.connections.open", description: "WebSocket connections open now");
        this.frames = this.meter.CreateCounter<long>("gatomesh.gateway.frames", description: "frames by direction (in, out) and encoding (protobuf, json)");
        this.errors = this.meter.CreateCounter<long>("gatomesh.gateway.errors", description: "error replies and refused connections by code");
        requestDuration = this.meter.CreateHistogram<double>("gatomesh.gateway.request.duration", unit: "ms",
            description: "time from a request read to its reply queued, by operation");
    }

    public Meter Meter => this.meter;

    public void ConnectionOpened()
    {
        this.connections.Add(1);
        openConnections.Add(1);
    }

    public void ConnectionClosed() => openConnections.Add(-1);

    public void Frame(string direction, bool json) =>
        this.frames.Add(1, new("direction", direction), new("encoding", json ? "json" : "protobuf"));

    public void Error(SessionErrorCode code) => this.errors.Add(1, new KeyValuePair<string, object?>("code", code.ToString()));

    public void Request(string operation, double milliseconds) =>
        requestDuration.Record(milliseconds, new KeyValuePair<string, object?>("op", operation));

    public void Dispose() => this.meter.Dispose();
}
