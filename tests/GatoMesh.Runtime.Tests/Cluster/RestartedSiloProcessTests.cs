using GatoMesh.Runtime.Client;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.TestGrains;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Cluster;

/// <summary>A silo process killed and restarted on the same port is a new incarnation: the cluster treats
/// it as a new silo, and anything still addressed to the old incarnation is refused.</summary>
public sealed class RestartedSiloProcessTests
{
    [Fact]
    public async Task A_silo_restarted_at_the_same_address_is_a_new_incarnation_and_refuses_the_old_ones_messages()
    {
        await using var redis = await RedisServer.StartAsync();
        string cluster = $"r{Environment.ProcessId}";
        await using var first = await SiloProcess.StartAsync(redis.Configuration, cluster);
        var second = await SiloProcess.StartAsync(redis.Configuration, cluster);
        var old = second.Address;
        await using var client = new ClusterClient(new ClientOptions { Gateways = [first.Gateway] });
        var keys = Enumerable.Range(0, 200).Select(i => $"inc-{i}").ToArray();
        await Task.WhenAll(keys.Select(k => Eventually.Succeeds(() => client.GetGrain<ICounterGrain>(k).Add(1), k)));

        second.KillHard();
        await using var restarted = await SiloProcess.StartAsync(redis.Configuration, cluster, port: old.Port);
        Assert.Equal(old.Endpoint, restarted.Address.Endpoint);
        Assert.True(restarted.Address.Generation > old.Generation);

        // A silo whose view still names the old incarnation (built on purpose here) is refused, typed.
        await using var stale = await SiloHost.StartAsync(new SiloOptions());
        stale.UpdateView([stale.Address, old]);
        string key = keys.First(k => stale.Runtime.OwnerOf(new GrainId(typeof(ICounterGrain).FullName!, k)) == old);
        await Assert.ThrowsAsync<SiloGenerationMismatchException>(() => stale.GrainFactory.GetGrain<ICounterGrain>(key).Add(1));
        Assert.False(await stale.Runtime.ProbeAsync(old, TimeSpan.FromSeconds(2), CancellationToken.None));
        Assert.True(await stale.Runtime.ProbeAsync(restarted.Address, TimeSpan.FromSeconds(2), CancellationToken.None));

        // The cluster itself moves on: every grain answers with its persisted state (1) plus this call.
        var values = await Task.WhenAll(keys.Select(k => Eventually.Succeeds(() => client.GetGrain<ICounterGrain>(k).Add(1), k)));
        Assert.All(values, v => Assert.Equal(2, v));
        var lists = await Task.WhenAll(new[] { first.Gateway, restarted.Gateway }.Select(client.ListActivationsAsync));
        var counters = lists.SelectMany(l => l.Where(g => g.Key.StartsWith("inc-"))).ToList();
        Assert.Equal(counters.Count, counters.Distinct().Count());
        await second.DisposeAsync();
    }
}
