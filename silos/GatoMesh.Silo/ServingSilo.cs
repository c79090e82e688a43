using System.Net;
using GatoMesh.Gateway;
using GatoMesh.Grains;
using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Silo.Hosting;
using GatoMesh.Silo.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace GatoMesh.Silo;

/// <summary>
/// A silo that serves agents (docs/ARCHITECTURE.md, "The silo host"): one host running an Orleans silo
/// with the serving and trainer grains, the served model and its engine as a silo service, and Kestrel
/// with the gateway (WebSocket /v1/sessions, /health, /metrics) and the Orleans Dashboard. Start one
/// embedded (<c>await using var silo = await ServingSilo.StartAsync(new())</c>) or run `gatomesh silo`.
/// </summary>
public sealed class ServingSilo : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string host;
    private readonly ModelHost model;
    private readonly SessionActivations sessions;
    private volatile bool stopping;
    private int stopped;

    private ServingSilo(WebApplication app, string host, string name, string adminKey, int siloPort, int gatewayPort, int httpPort)
    {
        this.app = app;
        this.host = host;
        this.model = app.Services.GetRequiredService<ModelHost>();
        this.sessions = app.Services.GetRequiredService<SessionActivations>();
        Name = name;
        AdminKey = adminKey;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        GrainFactory = app.Services.GetRequiredService<IGrainFactory>();
    }

    public static async Task<ServingSilo> StartAsync(ServingSiloOptions options, ILoggerFactory? loggers = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Redis is not null && options.Certificate is null)
            throw new ArgumentException("a silo of a Redis cluster needs the cluster certificate (Certificate): its links are TLS", nameof(options));
        var host = IPAddress.TryParse(options.Host, out var address)
            ? address
            : throw new ArgumentException($"Host must be an IP address, not '{options.Host}'", nameof(options));
        var name = options.Name ?? $"silo-{Guid.NewGuid().ToString("N")[..8]}";
        var adminKey = options.AdminKey ?? Security.AdminKey.Generate();
        var siloPort = options.SiloPort != 0 ? options.SiloPort : FreePort.On(options.Host);
        // The embedded silo has no cluster clients: no Orleans gateway. A cluster's silos take admin clients on theirs.
        var gatewayPort = options.GatewayPort != 0 || options.Redis is null ? options.GatewayPort : FreePort.On(options.Host);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "GatoMesh.Silo" });
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggers ?? NullLoggerFactory.Instance));
        if (!options.HandlesProcessSignals) builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(host, options.HttpPort);
            kestrel.AddServerHeader = false;
        });
        ServingSilo? silo = null;
        builder.Services.AddGatoMeshGateway(options.Gateway with { Health = options.Gateway.Health ?? (() => silo!.Health()) });
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<SiloOptions>(o => o.SiloName = name);
            orleans.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = options.CallTimeout);
            orleans.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = host;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(host, siloPort);
                o.GatewayListeningEndpoint = gatewayPort == 0 ? null : new IPEndPoint(host, gatewayPort);
            });
            if (options.Redis is { } redis)
            {
                orleans.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (redis.ClusterId, ServiceId));
                orleans.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis));
                orleans.AddRedisGrainStorage(ServingOptions.StorageName, o => o.ConfigurationOptions = RedisOptions(redis));
                orleans.Configure<ClusterMembershipOptions>(options.FailureDetection.ApplyTo);
                orleans.UseTls(options.Certificate!, tls => ClusterCertificate.Configure(tls, options.Certificate!));
            }
            else
            {
                orleans.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ($"embedded-{name}", ServiceId));
                orleans.UseDevelopmentClustering(new IPEndPoint(host, siloPort));
                orleans.AddMemoryGrainStorage(ServingOptions.StorageName);
            }
            orleans.AddGatoMeshServing(options.Model, options.Engine, options.Serving, adminKey);
            if (options.Dashboard) orleans.AddDashboard();
            options.ConfigureSilo?.Invoke(orleans);
        });
        var app = builder.Build();
        app.MapGatoMeshGateway();
        if (options.Dashboard)
        {
            var admin = app.Services.GetRequiredService<AdminKey>();
            app.UseWhen(c => c.Request.Path.StartsWithSegments(DashboardPath), branch => branch.Use(AdminOnly(admin)));
            app.MapOrleansDashboard(routePrefix: DashboardPath);
        }
        try
        {
            // The model loads (seconds for a checkpoint) on a pool thread before the silo joins, so a bad
            // checkpoint fails the start instead of the first session.
            await Task.Run(() => app.Services.GetRequiredService<ModelHost>(), cancellation);
            await app.StartAsync(cancellation);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        silo = new ServingSilo(app, options.Host, name, adminKey, siloPort, gatewayPort, new Uri(bound).Port);
        return silo;
    }

    /// <summary>The Orleans service id every GatoMesh cluster shares (its Redis keys start with it).</summary>
    public const string ServiceId = "gatomesh";

    /// <summary>Where the Orleans Dashboard is served.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>The silo's name (membership, metrics, /health).</summary>
    public string Name { get; }

    /// <summary>The admin credential this silo accepts (<see cref="GatoMesh.Grains.AdminCredential"/>).</summary>
    public string AdminKey { get; }

    public int SiloPort { get; }

    /// <summary>The Orleans gateway port for cluster clients; 0 when the silo has none (embedded).</summary>
    public int GatewayPort { get; }

    /// <summary>Kestrel's port: /v1/sessions, /health, /metrics, /dashboard.</summary>
    public int HttpPort { get; }

    /// <summary>The gateway's WebSocket endpoint for sessions.</summary>
    public Uri SessionsEndpoint => new($"ws://{this.host}:{HttpPort}{GatewayEndpoints.SessionsPath}");

    /// <summary>Grain references that call through this silo (in-process callers: tests, the trainer).</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The version this silo serves now (revision 0: its startup model).</summary>
    public ModelVersion ServedVersion => this.model.Current;

    /// <summary>The inference engine's counters (batches, tokens, cache misses, KV blocks).</summary>
    public EngineMetrics EngineMetrics => this.model.Engine.Metrics;

    /// <summary>The served model's shapes.</summary>
    public GatoMesh.Model.GatoConfig ModelConfig => this.model.Config;

    /// <summary>Completes when the host stops (a SIGTERM to a silo process, or <see cref="StopAsync"/>).</summary>
    public Task Stopping => Task.Delay(Timeout.Infinite, this.app.Lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default);

    private GatewayHealth Health() => new(Name, !stopping, this.model.Current.Id, this.sessions.Count);

    /// <summary>Stops serving gracefully: /health turns 503, the silo deactivates its grains (every
    /// session's steps are already persisted) and leaves membership, then Kestrel closes.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0) return;
        stopping = true;
        await this.app.StopAsync();
        await this.app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    internal static ConfigurationOptions RedisOptions(RedisCluster redis)
    {
        var configuration = ConfigurationOptions.Parse(redis.Configuration);
        // Wait for Redis at start-up (a cluster's Redis may start a moment after its silos).
        configuration.AbortOnConnectFail = false;
        return configuration;
    }

    private static Func<HttpContext, Func<Task>, Task> AdminOnly(AdminKey admin) => async (context, next) =>
    {
        if (admin.Matches(AdminRequests.PresentedKey(context.Request)))
        {
            await next();
            return;
        }
        context.Response.StatusCode = 401;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"gatomesh admin\"";
        await context.Response.WriteAsync("the dashboard needs the cluster's admin credential (Authorization: Bearer KEY, or Basic with any user and the key as password)\n");
    };
}
