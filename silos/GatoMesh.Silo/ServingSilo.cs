using System.Runtime.CompilerServices;
using GatoMesh.Gateway;
using GatoMesh.Grains;
using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Runtime;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GatoMesh.Silo;

/// <summary>
/// A silo that serves agents: the runtime (SiloHost) with the serving grains registered, the model and
/// its inference engine as the grains' silo service, and the gateway. Start one embedded
/// (<c>await using var silo = await ServingSilo.StartAsync(new())</c>) or run the GatoMesh.Silo process.
/// </summary>
public sealed class ServingSilo : IAsyncDisposable
{
    private readonly ModelHost _model;
    private readonly IDisposable _gauges;
    private readonly ServiceProvider _services;
    private GatewayServer? _gateway;
    private volatile bool _stopped;

    private ServingSilo(SiloHost host, ModelHost model, ServiceProvider services, IDisposable gauges)
    {
        Host = host;
        _model = model;
        _services = services;
        _gauges = gauges;
    }

    public static async Task<ServingSilo> StartAsync(ServingSiloOptions options, ILoggerFactory? loggers = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggers ??= NullLoggerFactory.Instance;
        // The generated registrations of the grain interfaces and classes run in their modules' initializers.
        RuntimeHelpers.RunModuleConstructor(typeof(IEpisodeSessionGrain).Module.ModuleHandle);
        RuntimeHelpers.RunModuleConstructor(typeof(EpisodeSessionGrain).Module.ModuleHandle);

        var storage = options.Runtime.Storage ?? new MemoryGrainStorage();
        var model = await Task.Run(() => ModelHost.Start(options.Model, options.Engine, loggers.CreateLogger<ModelHost>()), cancellation);
        var services = new ServiceCollection()
            .AddSingleton(model)
            .AddSingleton<IGrainStorage>(storage)
            .AddSingleton(options.Serving)
            .AddSingleton(loggers)
            .BuildServiceProvider();
        SiloHost host;
        try
        {
            host = await SiloHost.StartAsync(options.Runtime with { Storage = storage, Services = services }, loggers, cancellation);
        }
        catch
        {
            await services.DisposeAsync();
            await model.DisposeAsync();
            throw;
        }
        var gauges = ServingMetrics.Track(host.Address.ToString(), () => model.Engine.Metrics);
        var silo = new ServingSilo(host, model, services, gauges);
        if (options.Gateway is { } gateway)
        {
            try
            {
                silo._gateway = await GatewayServer.StartAsync(gateway with { Health = silo.Health }, host.GrainFactory, loggers, cancellation);
            }
            catch
            {
                await silo.StopAsync();
                throw;
            }
        }
        return silo;
    }

    /// <summary>The gateway's WebSocket endpoint for sessions; null when the silo runs without a gateway.</summary>
    public Uri? SessionsEndpoint => _gateway is { } g ? new Uri($"ws://{Host.Address.Host}:{g.Port}{GatewayServer.SessionsPath}") : null;

    /// <summary>The gateway's HTTP port (/health, /metrics, /v1/sessions); null without a gateway.</summary>
    public int? GatewayHttpPort => _gateway?.Port;

    private GatewayHealth Health()
    {
        var sessions = Host.LocalActivations().Count(g => g.Type == typeof(IEpisodeSessionGrain).FullName);
        return new GatewayHealth(Host.Address.ToString(), !_stopped, _model.Current.Id, sessions);
    }

    /// <summary>The runtime silo (address, ports, declared-dead signal).</summary>
    public SiloHost Host { get; }

    /// <summary>Grain references that call through this silo.</summary>
    public IGrainFactory GrainFactory => Host.GrainFactory;

    /// <summary>The version this silo serves now (revision 0: its startup model).</summary>
    public ModelVersion ServedVersion => _model.Current;

    /// <summary>The inference engine's counters (batches, tokens, cache misses, KV blocks).</summary>
    public EngineMetrics EngineMetrics => _model.Engine.Metrics;

    /// <summary>The served model's shapes.</summary>
    public GatoMesh.Model.GatoConfig ModelConfig => _model.Config;

    /// <summary>Stops serving (grains deactivate, the engine answers what is in flight with cache misses).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        if (_gateway is not null) await _gateway.DisposeAsync();
        await Host.StopAsync();
        _gauges.Dispose();
        await _model.DisposeAsync();
        await _services.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
