using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace GatoMesh.Grains.Tests.Fixtures;

/// <summary>An Orleans.TestingHost cluster of in-process serving silos (the grains, gato-tiny and its engine
/// on each, as ServingSilo configures them), persisting through memory storage or a real redis-server.</summary>
internal static class ServingTestCluster
{
    private const string RedisProperty = "GatoMeshTests:Redis";

    public static string AdminKey { get; } = Silo.Security.AdminKey.Generate();

    /// <param name="redis">A redis-server's configuration for the "gatomesh" storage; null: memory storage.</param>
    public static async Task<TestCluster> StartAsync(int silos, string? redis = null)
    {
        var builder = new TestClusterBuilder((short)silos);
        if (redis is not null) builder.Properties[RedisProperty] = redis;
        builder.AddSiloBuilderConfigurator<ServingSilos>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static async Task StopAsync(this TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    /// <summary>The "gatomesh" grain storage as silo <paramref name="silo"/> sees it.</summary>
    public static IGrainStorage Storage(this TestCluster cluster, int silo) =>
        ((InProcessSiloHandle)cluster.Silos[silo]).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(ServingOptions.StorageName);

    private sealed class ServingSilos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddGatoMeshServing(ModelSource.Default, new EngineOptions(), new ServingOptions(), AdminKey);
            if (silo.Configuration[RedisProperty] is { } redis)
                silo.AddRedisGrainStorage(ServingOptions.StorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            else
                silo.AddMemoryGrainStorage(ServingOptions.StorageName);
        }
    }
}
