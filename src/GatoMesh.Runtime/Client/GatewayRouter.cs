using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Invocation;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Client;

/// <summary>
/// Sends every call to one gateway silo, which routes it to the grain's owner. When the gateway's
/// connection drops, calls in flight fail with <see cref="SiloUnavailableException"/> and the next call
/// reconnects — to the same gateway if it answers, else to the next one in the list. The list is the
/// configured gateways followed by those the cluster reported (Orleans' gateway list provider, smaller):
/// every new gateway connection and every <see cref="ClientOptions.GatewayListRefreshPeriod"/> the client
/// asks its gateway for the gateways of the Active silos, so a client configured with one gateway still
/// fails over when that silo dies.
/// </summary>
internal sealed class GatewayRouter : CallRouter, IFrameHandler, IAsyncDisposable
{
    private readonly (string Host, int Port)[] _configured;
    private readonly OutboundConnections _connections;
    private readonly Timer _refreshTimer;
    // Copy-on-write: the configured gateways first (their indexes never move), then the learned ones.
    private volatile (string Host, int Port)[] _gateways;
    private int _current;
    // The connection the gateway list was last asked on: a new connection means a new gateway to ask.
    private Connection? _listedVia;

    public GatewayRouter(ClientOptions options, RuntimeLog log) : base(options.CallTimeout)
    {
        if (options.Gateways.Count == 0)
            throw new ArgumentException("at least one gateway endpoint is needed", nameof(options));
        _configured = [.. options.Gateways.Select(g => ParseEndpoint(g) ?? throw new ArgumentException($"gateway endpoint '{g}' is not host:port", nameof(options)))];
        _gateways = _configured;
        _current = Random.Shared.Next(_gateways.Length);
        _connections = new OutboundConnections(this, log, options.MaxFrameBytes);
        _refreshTimer = new Timer(_ => _ = RefreshFromCurrentGatewayAsync(), null, options.GatewayListRefreshPeriod, options.GatewayListRefreshPeriod);
    }

    /// <summary>Every gateway the client may use, configured ones first.</summary>
    public IReadOnlyList<string> KnownGateways => [.. _gateways.Select(g => $"{g.Host}:{g.Port}")];

    private static (string Host, int Port)? ParseEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535)
            return null;
        return (endpoint[..colon], port);
    }

    public override void Route<T>(GrainCall<T> call) => _ = RouteAsync(call);

    private async Task RouteAsync<T>(GrainCall<T> call)
    {
        Exception? last = null;
        var gateways = _gateways;
        for (int attempt = 0; attempt < gateways.Length; attempt++)
        {
            int current = Volatile.Read(ref _current);
            int index = current % gateways.Length;
            var (host, port) = gateways[index];
            try
            {
                var connection = await _connections.GetAsync(host, port);
                if (!ReferenceEquals(Volatile.Read(ref _listedVia), connection)) _ = RefreshAsync(connection);
                call.SendOver(connection, targetGeneration: 0);
                return;
            }
            catch (SiloUnavailableException e)
            {
                last = e;
                Interlocked.CompareExchange(ref _current, (index + 1) % gateways.Length, current);
            }
        }
        call.OnFailure(new SiloUnavailableException($"no gateway of {gateways.Length} answered: {last?.Message}", last));
    }

    private async Task RefreshFromCurrentGatewayAsync()
    {
        var gateways = _gateways;
        var (host, port) = gateways[Volatile.Read(ref _current) % gateways.Length];
        try
        {
            await RefreshAsync(await _connections.GetAsync(host, port), force: true);
        }
        catch (SiloUnavailableException)
        {
            // The gateway is gone: the next call fails over, and its new connection asks again.
        }
    }

    /// <summary>Asks the gateway behind <paramref name="via"/> for the cluster's gateways and makes them the
    /// learned part of the list. Without <paramref name="force"/>, asks at most once per connection.</summary>
    private async Task RefreshAsync(Connection via, bool force = false)
    {
        var previous = Interlocked.Exchange(ref _listedVia, via);
        if (!force && ReferenceEquals(previous, via)) return;
        var query = new ControlCall<(string Host, int Port)[]?>(Environment.TickCount64 + (long)CallTimeout.TotalMilliseconds, ReadGatewayList, _ => null);
        query.Via = via;
        Pending.Add(query);
        var frame = Frames.Start(FrameKind.ListGateways);
        frame.WriteInt64(query.CorrelationId);
        if (!via.Send(frame))
        {
            // Removed from the pending calls, the query would never complete: the timer asks again.
            Pending.Remove(query.CorrelationId);
            return;
        }
        // No answer (lost connection, timeout, malformed list) or an empty one (the silo stopped serving and
        // knows no cluster): keep the list, which may hold the only live gateways; the timer asks again.
        if (await query.Task is { Length: > 0 } learned) Learn(learned);
    }

    private static (string Host, int Port)[]? ReadGatewayList(WireReader r)
    {
        int count = r.ReadInt32();
        if (count < 0 || count > r.Remaining / 4) throw new WireFormatException($"gateway count {count} does not fit the frame");
        var gateways = new (string, int)[count];
        for (int i = 0; i < count; i++)
        {
            string endpoint = r.ReadRequiredString("gateway endpoint");
            gateways[i] = ParseEndpoint(endpoint) ?? throw new WireFormatException($"gateway endpoint '{endpoint}' is not host:port");
        }
        return gateways;
    }

    /// <summary>Replaces the learned gateways (a silo no longer Active drops out; configured ones stay),
    /// keeping the client on the gateway it uses now.</summary>
    private void Learn((string Host, int Port)[] learned)
    {
        var old = _gateways;
        var inUse = old[Volatile.Read(ref _current) % old.Length];
        (string Host, int Port)[] next = [.. _configured, .. learned.Distinct().Where(g => !_configured.Contains(g))];
        _gateways = next;
        int index = Array.IndexOf(next, inUse);
        Volatile.Write(ref _current, index >= 0 ? index : 0);
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
            case FrameKind.GatewayList:
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
    public async Task<IReadOnlyList<GrainId>> ListActivationsAsync(string gateway) =>
        await AskGatewayAsync(gateway, FrameKind.ListActivations, SiloRuntime.ReadGrainList)
        ?? throw new SiloUnavailableException($"silo behind gateway {gateway} did not list its activations");

    public async Task<IReadOnlyList<string>> ListGatewaysAsync(string gateway) =>
        (await AskGatewayAsync(gateway, FrameKind.ListGateways, ReadGatewayList)
         ?? throw new SiloUnavailableException($"silo behind gateway {gateway} did not list the cluster's gateways"))
        .Select(g => $"{g.Host}:{g.Port}").ToList();

    /// <summary>One diagnostic query to the silo behind <paramref name="gateway"/>; null when it did not answer.</summary>
    private async Task<T?> AskGatewayAsync<T>(string gateway, FrameKind kind, Func<WireReader, T?> decode) where T : class
    {
        var (host, port) = ParseEndpoint(gateway) ?? throw new ArgumentException($"gateway endpoint '{gateway}' is not host:port", nameof(gateway));
        var query = new ControlCall<T?>(Environment.TickCount64 + (long)CallTimeout.TotalMilliseconds, decode, _ => null);
        var connection = await _connections.GetAsync(host, port);
        query.Via = connection;
        Pending.Add(query);
        var frame = Frames.Start(kind);
        frame.WriteInt64(query.CorrelationId);
        if (!connection.Send(frame))
        {
            Pending.Remove(query.CorrelationId);
            throw new SiloUnavailableException($"gateway connection to {gateway} closed");
        }
        return await query.Task;
    }

    public void OnClosed(Connection connection, Exception? error) =>
        Pending.FailVia(connection, new SiloUnavailableException($"gateway connection to {connection.Remote} closed", error));

    public async ValueTask DisposeAsync()
    {
        await _refreshTimer.DisposeAsync();
        Pending.FailAll(new SiloUnavailableException("client closed"));
        Pending.Dispose();
        await _connections.DisposeAsync();
    }
}
