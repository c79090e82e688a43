using GatoMesh.Runtime.Client;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Storage;
using GatoMesh.Runtime.TestGrains;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Placement;

/// <summary>Two silos in one process over real TCP, sharing one storage and one membership table.</summary>
public sealed class TwoSiloTests
{
    private static readonly MembershipOptions FastMembership = new()
    {
        HeartbeatPeriod = TimeSpan.FromMilliseconds(100),
        ProbePeriod = TimeSpan.FromMilliseconds(100),
        ProbeTimeout = TimeSpan.FromMilliseconds(300),
        TableRefreshPeriod = TimeSpan.FromMilliseconds(100),
        IAmAliveExpiry = TimeSpan.FromSeconds(2),
    };

    private static SiloOptions Clustered(IGrainStorage storage, IMembershipTable table) =>
        new() { Storage = storage, Membership = table, MembershipOptions = FastMembership };

    private static Task BothSee(int silos, params SiloHost[] hosts) =>
        Eventually.True(() => hosts.All(h => h.Runtime.ActiveSilos.Count == silos), $"every silo sees {silos} active silos");

    [Fact]
    public async Task Each_grain_is_activated_on_exactly_one_silo_whichever_silo_is_asked()
    {
        var storage = new MemoryGrainStorage();
        var table = new InProcessMembershipTable();
        await using var a = await SiloHost.StartAsync(Clustered(storage, table));
        await using var b = await SiloHost.StartAsync(Clustered(storage, table));
        await BothSee(2, a, b);
        await using var viaA = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{a.GatewayPort}"] });
        await using var viaB = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{b.GatewayPort}"] });

        const int grains = 400;
        await Task.WhenAll(Enumerable.Range(0, grains).Select(i => viaA.GetGrain<ICounterGrain>($"g{i}").Add(1)));
        await Task.WhenAll(Enumerable.Range(0, grains).Select(i => viaB.GetGrain<ICounterGrain>($"g{i}").Add(1)));
        await Task.WhenAll(Enumerable.Range(0, grains).Select(i => a.GrainFactory.GetGrain<ICounterGrain>($"g{i}").Add(1)));

        var onA = (await a.Runtime.ListActivationsAsync("127.0.0.1", a.Address.Port, TimeSpan.FromSeconds(5))).Where(g => g.Key.StartsWith('g')).ToList();
        var onB = (await a.Runtime.ListActivationsAsync("127.0.0.1", b.Address.Port, TimeSpan.FromSeconds(5))).Where(g => g.Key.StartsWith('g')).ToList();
        Assert.Equal(grains, onA.Count + onB.Count);
        Assert.Empty(onA.Intersect(onB));
        Assert.NotEmpty(onA);
        Assert.NotEmpty(onB);
        for (int i = 0; i < grains; i += 37)
            Assert.Equal(3, await b.GrainFactory.GetGrain<ICounterGrain>($"g{i}").Get());
    }

    [Fact]
    public async Task When_a_silo_crashes_it_is_declared_dead_and_its_grains_come_back_on_the_survivor_with_their_state()
    {
        var storage = new MemoryGrainStorage();
        var table = new InProcessMembershipTable();
        await using var a = await SiloHost.StartAsync(Clustered(storage, table));
        var b = await SiloHost.StartAsync(Clustered(storage, table));
        await BothSee(2, a, b);
        // The same references before and after: their cached routes must follow the view change.
        var grains = Enumerable.Range(0, 100).Select(i => a.GrainFactory.GetGrain<ICounterGrain>($"m{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.Add(7)));
        Assert.Contains(b.LocalActivations(), g => g.Key.StartsWith('m'));

        // No goodbye: a must find out by probing, declare b dead and take over its grains.
        await b.CrashAsync();
        await BothSee(1, a);
        var values = await Task.WhenAll(grains.Select(g => Eventually.Succeeds(() => g.Add(1), $"call to {g}")));
        Assert.All(values, v => Assert.Equal(8, v));
        var snapshot = await table.ReadAllAsync();
        Assert.Equal(SiloStatus.Dead, snapshot.Rows.Single(r => r.Entry.Silo == b.Address).Entry.Status);
    }

    [Fact]
    public async Task A_silo_restarted_at_the_same_address_rejects_messages_for_its_old_incarnation()
    {
        var storage = new MemoryGrainStorage();
        await using var a = await SiloHost.StartAsync(new SiloOptions { Storage = storage });
        var b = await SiloHost.StartAsync(new SiloOptions { Storage = storage });
        var oldB = b.Address;
        a.UpdateView([a.Address, oldB]);
        string key = Enumerable.Range(0, 1000).Select(i => $"r{i}").First(k => a.Runtime.OwnerOf(new GrainId(typeof(ICounterGrain).FullName!, k)) == oldB);
        var grain = a.GrainFactory.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, await grain.Add(1));

        await b.StopAsync();
        await using var restarted = await SiloHost.StartAsync(new SiloOptions { Storage = storage, Port = oldB.Port });
        Assert.Equal(oldB.Endpoint, restarted.Address.Endpoint);
        Assert.True(restarted.Address.Generation > oldB.Generation);

        // a still believes in the old incarnation: the new one refuses, with a typed error.
        var e = await Eventually.Succeeds<Exception?>(async () =>
        {
            try
            {
                await grain.Add(1);
                return null;
            }
            catch (SiloGenerationMismatchException mismatch)
            {
                return mismatch;
            }
        }, "a call reaching the restarted silo");
        Assert.IsType<SiloGenerationMismatchException>(e);
        Assert.False(await a.Runtime.ProbeAsync(oldB, TimeSpan.FromSeconds(2), CancellationToken.None));
        Assert.True(await a.Runtime.ProbeAsync(restarted.Address, TimeSpan.FromSeconds(2), CancellationToken.None));

        a.UpdateView([a.Address, restarted.Address]);
        Assert.Equal(2, await grain.Add(1));
    }

    [Fact]
    public async Task A_silo_that_finds_itself_declared_dead_stops_serving_and_the_other_takes_its_grains()
    {
        var storage = new MemoryGrainStorage();
        var table = new InProcessMembershipTable();
        await using var a = await SiloHost.StartAsync(Clustered(storage, table));
        await using var b = await SiloHost.StartAsync(Clustered(storage, table));
        await BothSee(2, a, b);
        var keys = Enumerable.Range(0, 50).Select(i => $"d{i}").ToArray();
        await Task.WhenAll(keys.Select(k => a.GrainFactory.GetGrain<ICounterGrain>(k).Add(1)));

        // The cluster's verdict, written into the table as the votes of other silos would.
        var snapshot = await table.ReadAllAsync();
        var row = snapshot.Rows.Single(r => r.Entry.Silo == b.Address);
        Assert.True(await table.UpdateAsync(row.Entry with { Status = SiloStatus.Dead }, row.ETag, snapshot.Version));

        await using var viaB = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{b.GatewayPort}"] });
        await b.DeclaredDead.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(b.Runtime.IsServing);
        Assert.False(a.DeclaredDead.IsCompleted);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => viaB.GetGrain<ICounterGrain>("d0").Add(1));
        await Eventually.True(() => !b.LocalActivations().Any(g => g.Key.StartsWith('d')), "b deactivates its grains");
        await BothSee(1, a);
        var values = await Task.WhenAll(keys.Select(k => Eventually.Succeeds(() => a.GrainFactory.GetGrain<ICounterGrain>(k).Add(1), k)));
        Assert.All(values, v => Assert.Equal(2, v));
    }
}
