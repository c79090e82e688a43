using System.Security.Cryptography.X509Certificates;
using GatoMesh.Silo;
using GatoMesh.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace GatoMesh.Grains.Tests.Fixtures;

/// <summary>An Orleans cluster client of a process cluster (what operator tools use): gateways from the
/// cluster's Redis, TLS links presenting a certificate and pinning the same one on the silo's side. Connecting
/// fails at the first refused link.</summary>
internal sealed class OrleansClusterClient : IAsyncDisposable
{
    private readonly IHost host;

    private OrleansClusterClient(IHost host)
    {
        this.host = host;
        Grains = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Grains { get; }

    public IManagementGrain Management => Grains.GetGrain<IManagementGrain>(0);

    public static async Task<OrleansClusterClient> ConnectAsync(string clusterId, string redis, X509Certificate2 certificate)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, ServingSilo.ServiceId));
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            client.UseTls(certificate, tls => ClusterCertificate.Configure(tls, certificate));
            // The cluster is up before a test connects: a refused link is the answer, not a reason to retry.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        var host = builder.Build();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(deadline.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new OrleansClusterClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await this.host.StopAsync(deadline.Token);
        }
        finally
        {
            this.host.Dispose();
        }
    }
}
