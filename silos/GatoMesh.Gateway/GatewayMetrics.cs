using System.Diagnostics.Metrics;
using GatoMesh.Grains;

namespace GatoMesh.Gateway;

/// <summary>The meter <c>GatoMesh.Gateway</c> (docs/GATEWAY.md, "Metrics"). One per server, so two
/// gateways in one process (tests) count separately; /metrics shows every GatoMesh meter alive.</summary>
internal sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "GatoMesh.Gateway";

    private readonly Meter _meter = new(MeterName, "0.1.0");
    private readonly Counter<long> _connections;
    private readonly UpDownCounter<long> _openConnections;
    private readonly Counter<long> _frames;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _requestDuration;

    public GatewayMetrics()
    {
        _connections = _meter.CreateCounter<long>("gatomesh.gateway.connections", description: "WebSocket connections accepted");
        _openConnections = _meter.CreateUpDownCounter<long>("gatomesh.gateway.connections.open", description: "WebSocket connections open now");
        _frames = _meter.CreateCounter<long>("gatomesh.gateway.frames", description: "frames by direction (in, out) and encoding (protobuf, json)");
        _errors = _meter.CreateCounter<long>("gatomesh.gateway.errors", description: "error replies and refused connections by code");
        _requestDuration = _meter.CreateHistogram<double>("gatomesh.gateway.request.duration", unit: "ms",
            description: "time from a request read to its reply queued, by operation");
    }

    public Meter Meter => _meter;

    public void ConnectionOpened()
    {
        _connections.Add(1);
        _openConnections.Add(1);
    }

    public void ConnectionClosed() => _openConnections.Add(-1);

    public void Frame(string direction, bool json) =>
        _frames.Add(1, new("direction", direction), new("encoding", json ? "json" : "protobuf"));

    public void Error(SessionErrorCode code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code.ToString()));

    public void Request(string operation, double milliseconds) =>
        _requestDuration.Record(milliseconds, new KeyValuePair<string, object?>("op", operation));

    public void Dispose() => _meter.Dispose();
}
