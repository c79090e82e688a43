using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Invocation;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Client;

/// <summary>
/// Sends every call to one gateway silo, which routes it to the grain's owner. When the gateway's
/// connection drops, calls in flight fail with <see cref="SiloUnavailableException"/> and the next call
/// reconnects — to the same gateway if it answers, else to the next one in the list.
/// </summary>
internal sealed class GatewayRouter : CallRouter, IFrameHandler, IAsyncDisposable
{
    private readonly (string Host, int Port)[] _gateways;
    private readonly OutboundConnections _connections;
    private int _current;

    public GatewayRouter(ClientOptions options, RuntimeLog log) : base(options.CallTimeout)
    {
        if (options.Gateways.Count == 0)
            throw new ArgumentException("at least one gateway endpoint is needed", nameof(options));
        _gateways = [.. options.Gateways.Select(ParseEndpoint)];
        _current = Random.Shared.Next(_gateways.Length);
        _connections = new OutboundConnections(this, log, options.MaxFrameBytes);
    }

    private static (string, int) ParseEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535)
            throw new ArgumentException($"gateway endpoint '{endpoint}' is not host:port", nameof(endpoint));
        return (endpoint[..colon], port);
    }

    public override void Route<T>(GrainCall<T> call) => _ = RouteAsync(call);

    private async Task RouteAsync<T>(GrainCall<T> call)
    {
        Exception? last = null;
        for (int attempt = 0; attempt < _gateways.Length; attempt++)
        {
            int index = Volatile.Read(ref _current);
            var (host, port) = _gateways[index];
            try
            {
                var connection = await _connections.GetAsync(host, port);
                call.SendOver(connection, targetGeneration: 0);
                return;
            }
            catch (SiloUnavailableException e)
            {
                last = e;
                Interlocked.CompareExchange(ref _current, (index + 1) % _gateways.Length, index);
            }
        }
        call.OnFailure(new SiloUnavailableException($"no gateway of {_gateways.Length} answered: {last?.Message}", last));
    }

    public void OnFrame(Connection connection, FrameKind kind, WireReader body, ReadOnlyMemory<byte> bodyBytes)
    {
        switch (kind)
        {
            case FrameKind.Response:
            {
                long correlation = body.ReadInt64();
                var status = (ResponseStatus)body.ReadByte();
                if (Pending.TryTake(correlation, out var call)) call.OnResponse(status, body);
                break;
            }
            case FrameKind.ActivationList:
            {
                long correlation = body.ReadInt64();
                if (Pending.TryTake(correlation, out var call)) call.OnResponse(ResponseStatus.Ok, body);
                break;
            }
            default:
                throw new WireFormatException($"a gateway sent a {kind} frame; clients accept only responses");
        }
    }

    /// <summary>The grains activated on the silo behind <paramref name="gateway"/> (a diagnostic).</summary>
    public async Task<IReadOnlyList<GrainId>> ListActivationsAsync(string gateway)
    {
        var (host, port) = ParseEndpoint(gateway);
        var query = new ControlCall<IReadOnlyList<GrainId>?>(Environment.TickCount64 + (long)CallTimeout.TotalMilliseconds, SiloRuntime.ReadGrainList, _ => null);
        var connection = await _connections.GetAsync(host, port);
        query.Via = connection;
        Pending.Add(query);
        var frame = Frames.Start(FrameKind.ListActivations);
        frame.WriteInt64(query.CorrelationId);
        if (!connection.Send(frame)) Pending.Remove(query.CorrelationId);
        return await query.Task ?? throw new SiloUnavailableException($"silo behind gateway {gateway} did not list its activations");
    }

    public void OnClosed(Connection connection, Exception? error) =>
        Pending.FailVia(connection, new SiloUnavailableException($"gateway connection to {connection.Remote} closed", error));

    public async ValueTask DisposeAsync()
    {
        Pending.FailAll(new SiloUnavailableException("client closed"));
        Pending.Dispose();
        await _connections.DisposeAsync();
    }
}
