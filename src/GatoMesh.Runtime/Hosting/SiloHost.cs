using System.Net;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Storage;
using GatoMesh.Runtime.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GatoMesh.Runtime.Hosting;

/// <summary>
/// A running silo: the silo port (other silos), the gateway port (external clients) and the runtime
/// behind them. <see cref="GrainFactory"/> gives in-process code references to grains. Started alone
/// it is the embedded single silo.
/// </summary>
public sealed class SiloHost : IAsyncDisposable
{
    private static long s_lastGeneration;

    private readonly ConnectionListener _siloListener;
    private readonly ConnectionListener _gatewayListener;
    private readonly MembershipAgent _membership;
    private int _stopped;

    private SiloHost(SiloRuntime runtime, ConnectionListener siloListener, ConnectionListener gatewayListener, MembershipAgent membership, Task declaredDead)
    {
        Runtime = runtime;
        _siloListener = siloListener;
        _gatewayListener = gatewayListener;
        _membership = membership;
        DeclaredDead = declaredDead;
    }

    /// <summary>Completes once the cluster declared this incarnation dead (never on a graceful stop). From
    /// then on the silo serves nothing and can never serve again (its generation is retired), so whoever
    /// hosts it should stop it and end the process: a supervisor then starts a new incarnation.</summary>
    public Task DeclaredDead { get; }

    internal SiloRuntime Runtime { get; }

    /// <summary>This incarnation: host, silo port and a generation that is new on every start.</summary>
    public SiloAddress Address => Runtime.Self;

    public int GatewayPort => _gatewayListener.Port;

    public IGrainFactory GrainFactory => Runtime;

    /// <summary>Opens the ports, joins the membership table (a private in-process one by default) and
    /// returns once this silo is Active and serving. From then on every membership view change re-places
    /// grains, and a declare-dead verdict makes the silo refuse all further requests and completes
    /// <see cref="DeclaredDead"/>.</summary>
    public static async Task<SiloHost> StartAsync(SiloOptions options, ILoggerFactory? loggers = null, CancellationToken cancellation = default)
    {
        loggers ??= NullLoggerFactory.Instance;
        var log = new RuntimeLog(loggers.CreateLogger("GatoMesh.Runtime"));
        var address = IPAddress.Parse(options.Host);
        var siloListener = new ConnectionListener(new IPEndPoint(address, options.Port), log, options.MaxFrameBytes, isGateway: false);
        var gatewayListener = new ConnectionListener(new IPEndPoint(address, options.GatewayPort), log, options.MaxFrameBytes, isGateway: true);
        var self = new SiloAddress(options.Host, siloListener.Port, NewGeneration());
        var runtime = new SiloRuntime(self, options, options.Storage ?? new MemoryGrainStorage(), log);
        siloListener.Start(runtime);
        gatewayListener.Start(runtime);
        var now = DateTimeOffset.UtcNow;
        var entry = new MembershipEntry(self, SiloStatus.Joining, gatewayListener.Port, now, now, []);
        var membership = new MembershipAgent(options.Membership ?? new InProcessMembershipTable(), entry,
            new TransportProber(runtime, options.MembershipOptions.ProbeTimeout), options.MembershipOptions,
            loggers.CreateLogger("GatoMesh.Runtime.Membership"));
        membership.ViewChanged += view =>
        {
            // Ring first: a silo that lists a gateway to clients already places grains on that silo.
            runtime.UpdateView(view.ActiveSilos);
            runtime.ClusterGateways = view.Gateways;
        };
        var declaredDead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        membership.DeclaredDead += () =>
        {
            // The cluster has given this silo's grains to others: serve nothing, run no more timers.
            log.DeclaredDead(self);
            runtime.StopServing();
            runtime.Catalog.Deactivate(_ => true);
            declaredDead.TrySetResult();
        };
        try
        {
            await membership.StartAsync(cancellation);
        }
        catch
        {
            await membership.DisposeAsync();
            await gatewayListener.DisposeAsync();
            await siloListener.DisposeAsync();
            await runtime.DisposeAsync();
            throw;
        }
        runtime.ClusterGateways = membership.CurrentView.Gateways;
        runtime.UpdateView(membership.CurrentView.ActiveSilos);
        return new SiloHost(runtime, siloListener, gatewayListener, membership, declaredDead.Task);
    }

    /// <summary>Microseconds since the epoch, strictly increasing within the process: a restarted silo
    /// (even in the same process and millisecond) always has a larger generation.</summary>
    private static long NewGeneration()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        while (true)
        {
            long last = Interlocked.Read(ref s_lastGeneration);
            long next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref s_lastGeneration, next, last) == last) return next;
        }
    }

    /// <summary>Grains with an activation on this silo.</summary>
    public IReadOnlyList<GrainId> LocalActivations() => Runtime.Catalog.ListGrains();

    /// <summary>Replaces the set of live silos this silo places grains over; membership does this on
    /// every view change, tests do it to build a deliberately stale view.</summary>
    internal void UpdateView(IReadOnlyList<SiloAddress> activeSilos) => Runtime.UpdateView(activeSilos);

    /// <summary>Stops without leaving the cluster or deactivating anything, as a crash would (tests).</summary>
    internal async Task CrashAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        Runtime.StopServing();
        await _membership.DisposeAsync();
        await _gatewayListener.DisposeAsync();
        await _siloListener.DisposeAsync();
        await Runtime.DisposeAsync();
    }

    /// <summary>Deactivates every activation (running OnDeactivateAsync, so grains can persist), then
    /// closes the ports. Calls arriving meanwhile fail with <see cref="SiloUnavailableException"/>.</summary>
    public async Task StopAsync(TimeSpan? deadline = null)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        // Deactivate (and so persist) before leaving the view: the grains' next owners must not activate
        // them while this silo may still write their state. Callers meanwhile get Unavailable and retry.
        Runtime.StopServing();
        Runtime.Catalog.Deactivate(_ => true);
        while (Runtime.Catalog.Count > 0 && DateTime.UtcNow < until)
            await Task.Delay(10);
        await _membership.StopAsync();
        await _gatewayListener.DisposeAsync();
        await _siloListener.DisposeAsync();
        await _membership.DisposeAsync();
        await Runtime.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
