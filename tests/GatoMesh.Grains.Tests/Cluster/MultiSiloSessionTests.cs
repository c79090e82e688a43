using GatoMesh.Grains.Tests.Fixtures;
using GatoMesh.Silo;

namespace GatoMesh.Grains.Tests.Cluster;

/// <summary>docs/ARCHITECTURE.md, "Cluster semantics": sessions go wherever Orleans' placement puts them,
/// each silo's inference grain serves the sessions on it, and none of that changes an action. Sessions
/// spread over three in-process silos (Orleans.TestingHost) get the actions they get on one silo.</summary>
public sealed class MultiSiloSessionTests
{
    private const int Sessions = 9;
    private const int Steps = 8;

    [Fact]
    public async Task Sessions_spread_over_three_silos_get_the_actions_they_get_on_one()
    {
        var cluster = await ServingTestCluster.StartAsync(3);
        List<List<long[]>> spread;
        try
        {
            var drivers = Drivers(cluster.GrainFactory);
            await Task.WhenAll(drivers.Select(d => d.OpenAsync()));
            await Task.WhenAll(drivers.Select(d => d.StepAsync(Steps)));
            var ids = drivers.Select(d => d.Grain.GetGrainId()).ToHashSet();
            var hosts = (await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
                .Where(s => ids.Contains(s.GrainId)).Select(s => s.SiloAddress).Distinct().Count();
            Assert.True(hosts > 1, $"placement put all {Sessions} sessions on {hosts} silo: the test would not test spreading");
            spread = [.. drivers.Select(d => d.Actions)];
        }
        finally
        {
            await cluster.StopAsync();
        }

        await using var single = await ServingSilo.StartAsync(new ServingSiloOptions());
        var alone = Drivers(single.GrainFactory);
        await Task.WhenAll(alone.Select(d => d.OpenAsync()));
        await Task.WhenAll(alone.Select(d => d.StepAsync(Steps)));
        for (var i = 0; i < Sessions; i++)
            Assert.True(alone[i].Actions.Zip(spread[i]).All(p => p.First.SequenceEqual(p.Second)),
                $"session {i}: one silo {Show(alone[i].Actions)}, three silos {Show(spread[i])}");
    }

    private static List<SessionDriver> Drivers(IGrainFactory grains) =>
        [.. Enumerable.Range(0, Sessions).Select(i => new SessionDriver(grains, SessionDriver.Fleet, $"spread-{i}", seed: i))];

    private static string Show(List<long[]> actions) => string.Join(' ', actions.Select(a => string.Join(',', a)));
}
