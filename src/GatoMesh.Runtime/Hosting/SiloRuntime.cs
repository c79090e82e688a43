using GatoMesh.Runtime.Activation;
using GatoMesh.Runtime.Invocation;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Metrics;
using GatoMesh.Runtime.Placement;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Storage;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Hosting;

/// <summary>
/// The machinery of one silo: routes every call (from its own grains, from in-process code, from other
/// silos and from gateway clients) to the grain's owner by the consistent-hash ring over the current
/// view, runs the ones it owns in its <see cref="Catalog"/>, forwards the others, and answers probes.
/// </summary>
internal sealed class SiloRuntime : CallRouter, IGrainFactory, IFrameHandler, IAsyncDisposable
{
    private volatile HashRing _ring;
    private volatile bool _serving = true;
    private volatile IReadOnlyList<string> _gateways = [];

    public SiloRuntime(SiloAddress self, SiloOptions options, IGrainStorage storage, RuntimeLog log)
        : base(options.CallTimeout)
    {
        Self = self;
        Options = options;
        Storage = storage;
        Log = log;
        _ring = new HashRing([self]);
        Catalog = new Catalog(this, options.IdleDeactivationAge);
        Outbound = new OutboundConnections(this, log, options.MaxFrameBytes);
    }

    public SiloAddress Self { get; }
    public SiloOptions Options { get; }
    public IGrainStorage Storage { get; }
    public RuntimeLog Log { get; }
    public RuntimeMetrics Metrics => RuntimeMetrics.Instance;
    public Catalog Catalog { get; }
    public OutboundConnections Outbound { get; }
    public IGrainFactory GrainFactory => this;
    public bool IsServing => _serving;
    public IReadOnlyList<SiloAddress> ActiveSilos => _ring.Silos;

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var registration = GrainTypeRegistry.GetInterface(typeof(TGrain));
        return (TGrain)(object)registration.CreateProxy(this, new GrainId(registration.GrainType, key));
    }

    /// <summary>The silo that should host <paramref name="grain"/> under the current view.</summary>
    public SiloAddress OwnerOf(GrainId grain) => _ring.OwnerOf(grain);

    /// <summary>Adopts a new membership view: the ring changes, and activations whose grains now belong
    /// to another silo are deactivated (their state was persisted by the grain; the next call
    /// reactivates them on the new owner).</summary>
    public void UpdateView(IReadOnlyList<SiloAddress> active)
    {
        if (!active.Contains(Self)) active = [.. active, Self];
        // Versions also change for votes and heartbeats of joining silos: only a new set of silos re-places.
        if (active.Count == _ring.Silos.Count && active.All(_ring.Silos.Contains)) return;
        var ring = new HashRing(active);
        _ring = ring;
        Log.ViewChanged(Self, active);
        Catalog.Deactivate(a => !a.Class.IsStatelessWorker && ring.OwnerOf(a.GrainId) != Self);
    }

    /// <summary>The gateway endpoints of the Active silos in the latest membership view, which this silo
    /// hands to clients that ask (<see cref="FrameKind.ListGateways"/>).</summary>
    public IReadOnlyList<string> ClusterGateways
    {
        get => _gateways;
        set => _gateways = value;
    }

    /// <summary>This silo was declared dead (or is stopping): refuse every further request.</summary>
    public void StopServing() => _serving = false;

    public override void Route<T>(GrainCall<T> call)
    {
        if (!_serving)
        {
            call.Fail(new SiloUnavailableException($"silo {Self} is not serving"));
            return;
        }
        var ring = _ring;
        if (call.Target.RoutingCache is not RouteCache route || !ReferenceEquals(route.Ring, ring))
        {
            var found = GrainTypeRegistry.FindClass(call.Grain.Type);
            route = new RouteCache(ring, found, found is { IsStatelessWorker: true } ? Self : ring.OwnerOf(call.Grain));
            call.Target.RoutingCache = route;
        }
        var grainClass = route.Class;
        var owner = route.Owner;
        if (owner == Self)
        {
            if (grainClass is null)
                call.Fail(new GrainTypeNotFoundException(call.Grain.Type));
            else if (grainClass.IsStatelessWorker)
                Catalog.GetOrCreate(call.Grain, grainClass).Enqueue(call);
            else
            {
                var activation = route.Activation;
                if (activation is null || activation.State == ActivationState.Invalid)
                    route.Activation = activation = Catalog.GetOrCreate(call.Grain, grainClass);
                activation.Enqueue(call);
            }
            return;
        }
        var connecting = Outbound.GetAsync(owner.Host, owner.Port);
        if (connecting.IsCompletedSuccessfully) call.SendOver(connecting.Result, owner.Generation);
        else _ = SendWhenConnectedAsync(connecting, call, owner.Generation);
    }

    private static async Task SendWhenConnectedAsync<T>(ValueTask<Connection> connecting, GrainCall<T> call, long generation)
    {
        try
        {
            call.SendOver(await connecting, generation);
        }
        catch (Exception e)
        {
            call.OnFailure(e);
        }
    }

    /// <summary>Runs a request from the wire here if this silo owns the grain, else forwards it to the owner.</summary>
    public void RouteIncoming(IncomingCall call)
    {
        var header = call.Header;
        if (!_serving)
        {
            call.Reply(ResponseStatus.Unavailable, nameof(SiloUnavailableException), $"silo {Self} is not serving");
            return;
        }
        var grainClass = GrainTypeRegistry.FindClass(header.Grain.Type);
        var owner = grainClass is { IsStatelessWorker: true } ? Self : _ring.OwnerOf(header.Grain);
        if (owner != Self)
        {
            Forward(call, owner);
            return;
        }
        if (grainClass is null)
        {
            call.Reply(ResponseStatus.BadRequest, nameof(GrainTypeNotFoundException), $"no grain class registered for grain type '{header.Grain.Type}' on silo {Self}");
            return;
        }
        if (call.Request is null)
        {
            var request = GrainTypeRegistry.FindInterface(header.Grain.Type)?.CreateRequest(header.MethodId);
            if (request is null)
            {
                call.Reply(ResponseStatus.BadRequest, nameof(GrainRuntimeException), $"grain type '{header.Grain.Type}' has no method with id {header.MethodId}");
                return;
            }
            try
            {
                request.ReadArguments(new WireReader(call.Arguments));
            }
            catch (WireFormatException e)
            {
                call.Reply(ResponseStatus.BadRequest, nameof(WireFormatException), $"arguments of {request.MethodName} did not parse: {e.Message}");
                return;
            }
            call.Request = request;
        }
        Catalog.GetOrCreate(header.Grain, grainClass).Enqueue(call);
    }

    private void Forward(IncomingCall call, SiloAddress owner)
    {
        var header = call.Header;
        if (header.Hops >= GrainCall<VoidResult>.MaxHops)
        {
            call.Reply(ResponseStatus.Unavailable, nameof(SiloUnavailableException), $"{header.Grain} forwarded {header.Hops} times: silo views disagree, retry later");
            return;
        }
        var forwarded = new ForwardedCall(call, Environment.TickCount64 + (long)CallTimeout.TotalMilliseconds);
        Pending.Add(forwarded);
        _ = SendForwardedAsync(forwarded, call, owner);
    }

    private async Task SendForwardedAsync(ForwardedCall forwarded, IncomingCall call, SiloAddress owner)
    {
        try
        {
            var connection = await Outbound.GetAsync(owner.Host, owner.Port);
            forwarded.Via = connection;
            var h = call.Header;
            var frame = Frames.StartRequest(new RequestHeader(forwarded.CorrelationId, owner.Generation, (byte)(h.Hops + 1), h.Grain, h.MethodId));
            frame.WriteRaw(call.Arguments.Span);
            if (!connection.Send(frame)) throw new SiloUnavailableException($"connection to {owner} closed");
        }
        catch (Exception e)
        {
            if (Pending.TryTake(forwarded.CorrelationId, out _)) forwarded.OnFailure(e);
        }
    }

    public void OnFrame(Connection connection, FrameKind kind, WireReader body, ReadOnlyMemory<byte> bodyBytes)
    {
        switch (kind)
        {
            case FrameKind.Request:
                OnRequest(connection, body);
                break;
            case FrameKind.Response:
            {
                long correlation = body.ReadInt64();
                var status = (ResponseStatus)body.ReadByte();
                if (Pending.TryTake(correlation, out var call)) call.OnResponse(status, body);
                break;
            }
            case FrameKind.Ping:
            {
                long correlation = body.ReadInt64();
                long generation = body.ReadInt64();
                // Silence is the answer for another incarnation or a silo that stopped serving.
                if (generation == Self.Generation && _serving)
                {
                    var pong = Frames.Start(FrameKind.Pong);
                    pong.WriteInt64(correlation);
                    pong.WriteInt64(Self.Generation);
                    connection.Send(pong);
                }
                break;
            }
            case FrameKind.ListActivations:
            {
                long correlation = body.ReadInt64();
                var grains = Catalog.ListGrains();
                var list = Frames.Start(FrameKind.ActivationList);
                list.WriteInt64(correlation);
                list.WriteInt32(grains.Count);
                foreach (var g in grains)
                {
                    list.WriteString(g.Type);
                    list.WriteString(g.Key);
                }
                connection.Send(list);
                break;
            }
            case FrameKind.ListGateways:
            {
                long correlation = body.ReadInt64();
                // A silo that stopped serving lists nothing: it must not send clients to a cluster it left.
                var gateways = _serving ? _gateways : [];
                var list = Frames.Start(FrameKind.GatewayList);
                list.WriteInt64(correlation);
                list.WriteInt32(gateways.Count);
                foreach (var g in gateways) list.WriteString(g);
                connection.Send(list);
                break;
            }
            case FrameKind.Pong:
            case FrameKind.ActivationList:
            {
                long correlation = body.ReadInt64();
                if (Pending.TryTake(correlation, out var call)) call.OnResponse(ResponseStatus.Ok, body);
                break;
            }
        }
    }

    private void OnRequest(Connection connection, WireReader body)
    {
        var header = Frames.ReadRequestHeader(body);
        var call = new IncomingCall(this, connection, header, body.RemainingMemory);
        bool generationOk = header.TargetGeneration == Self.Generation || (connection.IsGateway && header.TargetGeneration == 0);
        if (!generationOk)
        {
            call.Reply(ResponseStatus.GenerationMismatch, nameof(SiloGenerationMismatchException),
                $"request for {header.Grain} was addressed to generation {header.TargetGeneration} of {Self.Endpoint}, which is now generation {Self.Generation}");
            return;
        }
        RouteIncoming(call);
    }

    public void OnClosed(Connection connection, Exception? error) =>
        Pending.FailVia(connection, new SiloUnavailableException($"connection to {connection.Remote} closed{(error is null ? "" : ": " + error.Message)}", error));

    /// <summary>Pings <paramref name="target"/>; true only if that exact incarnation answered in time.</summary>
    public async Task<bool> ProbeAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellation)
    {
        var probe = new ControlCall<bool>(Environment.TickCount64 + (long)timeout.TotalMilliseconds,
            r => r.ReadInt64() == target.Generation, _ => false);
        try
        {
            var connection = await Outbound.GetAsync(target.Host, target.Port);
            probe.Via = connection;
            Pending.Add(probe);
            var ping = Frames.Start(FrameKind.Ping);
            ping.WriteInt64(probe.CorrelationId);
            ping.WriteInt64(target.Generation);
            if (!connection.Send(ping)) return false;
            return await probe.Task.WaitAsync(cancellation);
        }
        catch (SiloUnavailableException)
        {
            return false;
        }
        finally
        {
            Pending.Remove(probe.CorrelationId);
        }
    }

    /// <summary>Grain ids with an activation on <paramref name="target"/> (a diagnostic, used by tests
    /// to check that every grain has exactly one activation cluster-wide).</summary>
    public async Task<IReadOnlyList<GrainId>> ListActivationsAsync(string host, int port, TimeSpan timeout)
    {
        var query = new ControlCall<IReadOnlyList<GrainId>?>(Environment.TickCount64 + (long)timeout.TotalMilliseconds, ReadGrainList, _ => null);
        var connection = await Outbound.GetAsync(host, port);
        query.Via = connection;
        Pending.Add(query);
        var frame = Frames.Start(FrameKind.ListActivations);
        frame.WriteInt64(query.CorrelationId);
        connection.Send(frame);
        return await query.Task ?? throw new SiloUnavailableException($"silo {host}:{port} did not list its activations");
    }

    internal static IReadOnlyList<GrainId>? ReadGrainList(WireReader r)
    {
        int count = r.ReadInt32();
        if (count < 0 || count > r.Remaining / 8) throw new WireFormatException($"activation count {count} does not fit the frame");
        var grains = new GrainId[count];
        for (int i = 0; i < count; i++) grains[i] = new GrainId(r.ReadRequiredString("grain type"), r.ReadRequiredString("grain key"));
        return grains;
    }

    public async ValueTask DisposeAsync()
    {
        _serving = false;
        Catalog.Dispose();
        Pending.FailAll(new SiloUnavailableException($"silo {Self} stopped"));
        Pending.Dispose();
        await Outbound.DisposeAsync();
    }
}
