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

    /// <summary>Waits until every silo in <paramref name="silos"/> lists exactly their gateways: from then on
    /// all of them place grains on the same ring (while views differ two silos may briefly both own a grain,
    /// docs/RUNTIME.md, "Placement and directory").</summary>
    private static Task ViewsHoldExactly(ClusterClient client, IReadOnlyList<SiloProcess> silos) =>
        Eventually.Succeeds(async () =>
        {
            var expected = silos.Select(s => s.Gateway).Order().ToList();
            var views = await Task.WhenAll(silos.Select(s => client.ListGatewaysAsync(s.Gateway)));
            if (views.Any(v => !v.Order().SequenceEqual(expected))) throw new SiloUnavailableException("views still settling");
            return 0;
        }, $"every silo's view holds exactly the {silos.Count} live silos", TimeSpan.FromSeconds(60));

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

            // Every silo must see all three before placement is stable: while views differ two silos may
            // briefly both own a grain (docs/RUNTIME.md, "Placement and directory").
            await ViewsHoldExactly(client, silos);
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
            await ViewsHoldExactly(client, survivors);
            var values = await Task.WhenAll(Enumerable.Range(0, Grains).Select(i => client.GetGrain<ICounterGrain>($"c{i}").Get()));
            // At least the state persisted before the kill (1) plus this round's add; a call whose reply
            // was lost in the kill may have been applied and then retried.
            Assert.All(values, v => Assert.InRange(v, 2, 3));
            // Activations the kill's view change moved away finish deactivating on their own time; once they
            // have, every grain is listed exactly once.
            await Eventually.Succeeds(async () =>
            {
                var after = await ActivationsBySilo(client, survivors);
                if (after.Sum(l => l.Count) != Grains || after.SelectMany(l => l).Distinct().Count() != Grains)
                    throw new SiloUnavailableException($"{after.Sum(l => l.Count)} activations listed, {after.SelectMany(l => l).Distinct().Count()} distinct");
                return 0;
            }, "one activation per grain after the kill", TimeSpan.FromSeconds(60));
        }
        finally
        {
            foreach (var s in silos) await s.DisposeAsync();
        }
    }
}
