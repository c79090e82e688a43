using GatoMesh.Runtime.Client;
using GatoMesh.Runtime.TestGrains;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Cluster;

/// <summary>A client learns the cluster's gateways from the one it was configured with, so it survives the
/// death of that silo.</summary>
public sealed class GatewayDiscoveryProcessTests
{
    [Fact]
    public async Task A_client_configured_with_one_gateway_fails_over_to_learned_gateways_when_that_silo_is_killed()
    {
        await using var redis = await RedisServer.StartAsync();
        string cluster = $"g{Environment.ProcessId}";
        await using var a = await SiloProcess.StartAsync(redis.Configuration, cluster);
        await using var b = await SiloProcess.StartAsync(redis.Configuration, cluster);
        await using var c = await SiloProcess.StartAsync(redis.Configuration, cluster);
        await using var client = new ClusterClient(new ClientOptions
        {
            Gateways = [a.Gateway],
            GatewayListRefreshPeriod = TimeSpan.FromMilliseconds(200),
        });
        var keys = Enumerable.Range(0, 100).Select(i => $"gw-{i}").ToArray();
        await Task.WhenAll(keys.Select(k => Eventually.Succeeds(() => client.GetGrain<ICounterGrain>(k).Add(1), k)));
        await Eventually.True(() => new[] { a, b, c }.All(s => client.KnownGateways.Contains(s.Gateway)),
            "the client learns all three gateways from silo A", TimeSpan.FromSeconds(20));

        a.KillHard();

        // Every grain answers again through B or C, with the state persisted before the kill.
        var values = await Task.WhenAll(keys.Select(k =>
            Eventually.Succeeds(() => client.GetGrain<ICounterGrain>(k).Get(), k, TimeSpan.FromSeconds(30))));
        Assert.All(values, v => Assert.InRange(v, 1, 2));
    }
}
