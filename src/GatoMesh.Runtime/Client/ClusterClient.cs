using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Invocation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GatoMesh.Runtime.Client;

/// <summary>An external client: grain references whose calls go through a silo's gateway port.</summary>
public sealed class ClusterClient : IGrainFactory, IAsyncDisposable
{
    private readonly GatewayRouter _router;

    public ClusterClient(ClientOptions options, ILoggerFactory? loggers = null)
    {
        var log = new RuntimeLog((loggers ?? NullLoggerFactory.Instance).CreateLogger("GatoMesh.Runtime.Client"));
        _router = new GatewayRouter(options, log);
    }

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var registration = GrainTypeRegistry.GetInterface(typeof(TGrain));
        return (TGrain)(object)registration.CreateProxy(_router, new GrainId(registration.GrainType, key));
    }

    /// <summary>The grains with an activation on the silo behind <paramref name="gateway"/> ("host:port"):
    /// a diagnostic to check from every silo's own view that each grain has one activation.</summary>
    public Task<IReadOnlyList<GrainId>> ListActivationsAsync(string gateway) => _router.ListActivationsAsync(gateway);

    /// <summary>The gateways ("host:port") of the Active silos in the membership view of the silo behind
    /// <paramref name="gateway"/>; a silo lists a gateway only once its placement ring includes that silo,
    /// so equal lists from every silo mean placement has converged.</summary>
    public Task<IReadOnlyList<string>> ListGatewaysAsync(string gateway) => _router.ListGatewaysAsync(gateway);

    /// <summary>The gateways this client may fail over to: the configured ones, then those learned from the cluster.</summary>
    internal IReadOnlyList<string> KnownGateways => _router.KnownGateways;

    public ValueTask DisposeAsync() => _router.DisposeAsync();
}
