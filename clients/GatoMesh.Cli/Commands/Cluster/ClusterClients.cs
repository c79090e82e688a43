using GatoMesh.Silo;
using GatoMesh.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace GatoMesh.Cli;

/// <summary>
/// An Orleans cluster client of a recorded cluster, for the calls only an operator makes (deploying a
/// checkpoint, benchmarks): it finds the gateways through the cluster's Redis, and its link is TLS with the
/// cluster certificate. Robots and fleets never use one: they reach the WebSocket gateway.
/// </summary>
internal sealed class ClusterClients : IAsyncDisposable
{
    private readonly IHost host;

    private ClusterClients(IHost host)
    {
        this.host = host;
        Grains = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Grains { get; }

    /// <param name="responseTimeout">How long a call waits for its answer (null: Orleans' 30 s). A call that was
    /// in flight to a silo killed without a goodbye gets no answer and waits this long.</param>
    public static async Task<ClusterClients> ConnectAsync(LocalCluster cluster, TimeSpan? responseTimeout = null, CancellationToken cancellation = default)
    {
        var certificate = ClusterCertificate.Load(cluster.Certificate);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, ServingSilo.ServiceId));
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis));
            client.UseTls(certificate, tls => ClusterCertificate.Configure(tls, certificate));
            if (responseTimeout is { } timeout) client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = timeout);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellation);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new ClusterClients(host);
    }

    public async ValueTask DisposeAsync()
    {
        await this.host.StopAsync();
        this.host.Dispose();
    }
}
