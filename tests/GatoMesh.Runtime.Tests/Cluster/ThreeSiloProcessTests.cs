using GatoMesh.Runtime.Client;
using GatoMesh.Runtime.TestGrains;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Cluster;

/// <summary>
/// Three silo processes over a real redis-server (membership and grain state): 10,000 grains, each with
/// exactly one activation cluster-wide; then kill -9 of one silo under load.
/// </summary>
public sealed class ThreeSiloProcessTests
{
    private const int Grains = 10_000;

    /// <summary>Each silo's own list of its activations, asked through its gateway.</summary>
    private static async Task<List<GrainId>[]> ActivationsBySilo(ClusterClient client, IEnumerable<SiloProcess> silos) =>
        [.. await Task.WhenAll(silos.Select(async s =>
            (await client.ListActivationsAsync(s.Gateway)).Where(g => g.Type == typeof(ICounterGrain).FullName).ToList()))];

    private static async Task AddToAll(ClusterClient client, int amount, Action<Exception>? onError = null)
    {
        var keys = Enumerable.Range(0, Grains).Select(i => $"c{i}");
        foreach (var chunk in keys.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(k => Eventually.Succeeds(async () =>
            {
                try
                {
                    return await client.GetGrain<ICounterGrain>(k).Add(amount);
                }
                catch (GrainRuntimeException e)
                {
                    onError?.Invoke(e);
                    throw;
                }
            }, $"Add on {k}", TimeSpan.FromSeconds(60))));
        }
    }

    [Fact]
    public async Task Ten_thousand_grains_live_once_each_and_survive_a_kill_9_with_their_persisted_state()
    {
        await using var redis = await RedisServer.StartAsync();
        string cluster = $"t{Environment.ProcessId}";
        var silos = new List<SiloProcess>();
        try
        {
            for (int i = 0; i < 3; i++) silos.Add(await SiloProcess.StartAsync(redis.Configuration, cluster));
            await using var client = new ClusterClient(new ClientOptions { Gateways = [.. silos.Select(s => s.Gateway)] });

            // Every silo must see all three before placement is stable.
            await Eventually.Succeeds(async () =>
            {
                await AddToAll(client, 0);
                var lists = await ActivationsBySilo(client, silos);
                if (lists.Sum(l => l.Count) != Grains) throw new SiloUnavailableException("views still settling");
                return 0;
            }, "first activation of every grain", TimeSpan.FromSeconds(60));
            await AddToAll(client, 1);

            var bySilo = await ActivationsBySilo(client, silos);
            Assert.Equal(Grains, bySilo.Sum(l => l.Count));
            Assert.Equal(Grains, bySilo.SelectMany(l => l).Distinct().Count());
            Assert.All(bySilo, l => Assert.NotEmpty(l));

            // kill -9 one silo while calls are in flight; callers see only typed runtime errors.
            var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var load = AddToAll(client, 1, errors.Add);
            silos[2].KillHard();
            await load;
            Assert.All(errors, e => Assert.IsAssignableFrom<GrainRuntimeException>(e));

            var survivors = silos.Take(2).ToList();
            var values = await Task.WhenAll(Enumerable.Range(0, Grains).Select(i => client.GetGrain<ICounterGrain>($"c{i}").Get()));
            // At least the state persisted before the kill (1) plus this round's add; a call whose reply
            // was lost in the kill may have been applied and then retried.
            Assert.All(values, v => Assert.InRange(v, 2, 3));
            var after = await ActivationsBySilo(client, survivors);
            Assert.Equal(Grains, after.Sum(l => l.Count));
            Assert.Equal(Grains, after.SelectMany(l => l).Distinct().Count());
        }
        finally
        {
            foreach (var s in silos) await s.DisposeAsync();
        }
    }
}
