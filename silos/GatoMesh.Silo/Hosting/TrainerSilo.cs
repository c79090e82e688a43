using System.Net;
using System.Security.Cryptography.X509Certificates;
using GatoMesh.Grains;
using GatoMesh.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;

namespace GatoMesh.Silo.Hosting;

/// <summary>Where a trainer silo's cluster is: a job's own cluster, whose first silo (the launcher's) is the
/// primary others join through; or a running serving cluster in Redis, which training then shares.</summary>
public abstract record TrainerCluster
{
    /// <summary>The job's own cluster; <paramref name="Primary"/> null: this silo is its primary.</summary>
    public sealed record OfJob(string JobId, IPEndPoint? Primary) : TrainerCluster;

    public sealed record Shared(RedisCluster Redis) : TrainerCluster;
}

/// <summary>
/// A silo of a training job (docs/DISTRIBUTED.md, "Processes"): the launcher's (which hosts the job's
/// coordinator) or a worker process's (which hosts its trainer worker grain). It serves no sessions: the
/// serving grains are left out of its grain types, so Orleans never places a session on it even when it
/// joins a serving cluster. Its links are TLS with the job's (or cluster's) certificate, and the trainer
/// grains' calls need the admin key, like every call that changes the deployment.
/// </summary>
public sealed class TrainerSilo : IAsyncDisposable
{
    private readonly IHost host;
    private int stopped;

    private TrainerSilo(IHost host, IPEndPoint endpoint)
    {
        this.host = host;
        Endpoint = endpoint;
        GrainFactory = host.Services.GetRequiredService<IGrainFactory>();
    }

    /// <summary>This silo's silo-to-silo endpoint (what workers of a job's own cluster join through).</summary>
    public IPEndPoint Endpoint { get; }

    public IGrainFactory GrainFactory { get; }

    public static async Task<TrainerSilo> StartAsync(TrainerCluster cluster, X509Certificate2 certificate, string adminKey,
        ILoggerFactory? loggers = null, CancellationToken cancellation = default)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort.On("127.0.0.1"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "GatoMesh.Trainer", DisableDefaults = true });
        builder.Services.Replace(ServiceDescriptor.Singleton(loggers ?? NullLoggerFactory.Instance));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = endpoint.Address;
                o.SiloPort = endpoint.Port;
                o.GatewayPort = 0;
                o.SiloListeningEndpoint = endpoint;
            });
            switch (cluster)
            {
                case TrainerCluster.OfJob job:
                    orleans.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ($"job-{job.JobId}", ServingSilo.ServiceId));
                    orleans.UseDevelopmentClustering(job.Primary ?? endpoint);
                    orleans.Configure<ClusterMembershipOptions>(FailureDetection.Patient.ApplyTo);
                    break;
                case TrainerCluster.Shared shared:
                    orleans.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (shared.Redis.ClusterId, ServingSilo.ServiceId));
                    orleans.UseRedisClustering(o => o.ConfigurationOptions = ServingSilo.RedisOptions(shared.Redis));
                    // A member of a serving cluster detects failures as the serving silos do.
                    orleans.Configure<ClusterMembershipOptions>(FailureDetection.Fast.ApplyTo);
                    break;
            }
            orleans.UseTls(certificate, tls => ClusterCertificate.Configure(tls, certificate));
            // A trainer holds its replica for the whole job: idle collection must never take it.
            orleans.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromDays(30));
            orleans.Configure<GrainTypeOptions>(o => o.Classes.RemoveWhere(IsServingGrain));
            orleans.AddAdminCredential(adminKey);
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
        return new TrainerSilo(host, endpoint);
    }

    /// <summary>The grains of this project's assembly other than the trainer's (sessions, inference, registry).</summary>
    private static bool IsServingGrain(Type grain) =>
        grain.Assembly == typeof(TrainerCoordinatorGrain).Assembly && grain != typeof(TrainerCoordinatorGrain) && grain != typeof(TrainerWorkerGrain);

    /// <summary>Leaves the cluster gracefully (its trainer grains deactivate first).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0) return;
        await this.host.StopAsync();
        this.host.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
