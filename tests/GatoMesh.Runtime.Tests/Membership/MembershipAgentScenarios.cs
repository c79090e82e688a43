using System.Collections.Concurrent;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Membership;

/// <summary>
/// The membership protocol end to end: several agents in one process over one real table, with a
/// simulated silo-to-silo network. Runs once per table implementation. Timings are shrunk so a
/// failure is detected in about a second; deadlines are generous because the machine is shared.
/// </summary>
public abstract class MembershipAgentScenarios : IAsyncLifetime
{
    protected static readonly MembershipOptions Fast = new()
    {
        HeartbeatPeriod = TimeSpan.FromMilliseconds(200),
        ProbePeriod = TimeSpan.FromMilliseconds(100),
        ProbeTimeout = TimeSpan.FromMilliseconds(200),
        TableRefreshPeriod = TimeSpan.FromMilliseconds(100),
        MissedProbesBeforeSuspecting = 3,
        VotesToDeclareDead = 2,
        ProbedSilos = 3,
        IAmAliveExpiry = TimeSpan.FromSeconds(3),
        VoteExpiry = TimeSpan.FromSeconds(5),
    };

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static long _nextGeneration = DateTime.UtcNow.Ticks;
    private readonly List<IAsyncDisposable> _running = [];
    private readonly List<IMembershipTable> _tables = [];
    private readonly SimulatedNetwork _network = new();

    /// <summary>A handle on the table shared by all agents of the test (one connection per agent where that applies).</summary>
    protected abstract IMembershipTable OpenTable();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var agent in _running)
            await agent.DisposeAsync();
        foreach (var table in _tables)
            (table as IDisposable)?.Dispose();
    }

    /// <summary>A started silo: its agent and what its events said.</summary>
    private sealed class Silo(MembershipAgent agent)
    {
        public MembershipAgent Agent { get; } = agent;
        public ConcurrentQueue<MembershipView> Views { get; } = new();
        public TaskCompletionSource DeclaredDead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public SiloAddress Address => Agent.Silo;
    }

    private IMembershipTable Table()
    {
        var table = OpenTable();
        _tables.Add(table);
        return table;
    }

    private async Task<Silo> StartSiloAsync(int port, long? generation = null, Func<IMembershipTable, IMembershipTable>? connect = null)
    {
        var address = new SiloAddress("127.0.0.1", port, generation ?? Interlocked.Increment(ref _nextGeneration));
        var entry = new MembershipEntry(address, SiloStatus.Joining, port + 1000, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, []);
        _network.Connect(address);
        var agent = new MembershipAgent((connect ?? (t => t))(Table()), entry, _network.ProberFor(address), Fast);
        var silo = new Silo(agent);
        agent.ViewChanged += silo.Views.Enqueue;
        agent.DeclaredDead += () => silo.DeclaredDead.TrySetResult();
        _running.Add(agent);
        await agent.StartAsync(new CancellationTokenSource(Deadline).Token);
        return silo;
    }

    private async Task<Silo[]> StartClusterAsync(int n)
    {
        var silos = new Silo[n];
        for (var i = 0; i < n; i++)
            silos[i] = await StartSiloAsync(11001 + i);
        await Eventually.True(() => silos.All(s => s.Agent.CurrentView.ActiveSilos.Count == n),
            $"every silo sees all {n} silos active", Deadline);
        return silos;
    }

    private async Task<MembershipEntry> RowOf(SiloAddress silo) =>
        (await Table().ReadAllAsync()).Rows.Single(r => r.Entry.Silo == silo).Entry;

    [Fact]
    public async Task A_healthy_cluster_keeps_every_silo_active_and_unsuspected()
    {
        var silos = await StartClusterAsync(3);

        // Run the protocol past the heartbeat expiry: 40 refreshes of 100 ms each outlast the 3 s expiry.
        await Eventually.True(() => silos.All(s => s.Agent.RefreshRounds >= 40 && s.Agent.ProbeRounds >= 40),
            "every agent ran 40 refresh and probe rounds", Deadline);

        var table = await Table().ReadAllAsync();
        Assert.Equal(3, table.Rows.Count);
        Assert.All(table.Rows, r => Assert.Equal(SiloStatus.Active, r.Entry.Status));
        Assert.All(table.Rows, r => Assert.Empty(r.Entry.SuspectedBy));
        Assert.All(silos, s => Assert.False(s.DeclaredDead.Task.IsCompleted));
        var everyone = silos.Select(s => s.Address).OrderBy(a => a.Port).ToArray();
        Assert.All(silos, s => Assert.Equal(everyone, s.Agent.CurrentView.ActiveSilos));
    }

    [Fact]
    public async Task ViewChanged_reports_every_new_version_in_order_and_ends_at_the_current_view()
    {
        var silos = await StartClusterAsync(3);
        var late = await StartSiloAsync(11010);
        await Eventually.True(() => silos.All(s => s.Agent.CurrentView.ActiveSilos.Contains(late.Address)),
            "the others see the late silo", Deadline);

        foreach (var silo in silos)
        {
            var versions = silo.Views.Select(v => v.Version).ToArray();
            Assert.Equal(versions.Order().Distinct(), versions);
            Assert.Equal(silo.Agent.CurrentView.Version, versions[^1]);
            Assert.Contains(late.Address, silo.Views.Last().ActiveSilos);
        }
    }

    [Fact]
    public async Task A_silo_cut_off_from_its_peers_is_declared_dead_by_them_and_learns_it()
    {
        var silos = await StartClusterAsync(3);
        var cutOff = silos[2];

        _network.Isolate(cutOff.Address);

        await cutOff.DeclaredDead.Task.WaitAsync(Deadline);
        await Eventually.True(() => silos[..2].All(s => !s.Agent.CurrentView.ActiveSilos.Contains(cutOff.Address)),
            "the healthy silos drop the cut-off silo from their views", Deadline);
        var row = await RowOf(cutOff.Address);
        Assert.Equal(SiloStatus.Dead, row.Status);
        // Declared by votes (both peers agree), not by a stale heartbeat: the cut-off silo still reached the table.
        Assert.Equal(silos[..2].Select(s => s.Address.Port).Order(), row.SuspectedBy.Select(v => v.By.Port).Order());
        Assert.All(silos[..2], s => Assert.False(s.DeclaredDead.Task.IsCompleted));
        foreach (var healthy in silos[..2])
            Assert.Equal(SiloStatus.Active, (await RowOf(healthy.Address)).Status);
    }

    [Fact]
    public async Task A_crashed_silo_is_declared_dead_and_leaves_every_view()
    {
        var silos = await StartClusterAsync(3);
        var crashed = silos[1];

        await crashed.Agent.DisposeAsync();
        _network.Remove(crashed.Address);

        await Eventually.True(() => silos.Where(s => s != crashed).All(s => !s.Agent.CurrentView.ActiveSilos.Contains(crashed.Address)),
            "the survivors drop the crashed silo", Deadline);
        Assert.Equal(SiloStatus.Dead, (await RowOf(crashed.Address)).Status);
    }

    [Fact]
    public async Task A_restarted_silo_is_a_new_row_and_its_previous_incarnation_is_dead()
    {
        var silos = await StartClusterAsync(3);
        var old = silos[2];
        await old.Agent.DisposeAsync();
        _network.Remove(old.Address);

        var restarted = await StartSiloAsync(old.Address.Port, old.Address.Generation + 1);

        Assert.Equal(SiloStatus.Dead, (await RowOf(old.Address)).Status);
        Assert.Equal(SiloStatus.Active, (await RowOf(restarted.Address)).Status);
        await Eventually.True(() => silos[..2].All(s =>
                s.Agent.CurrentView.ActiveSilos.Contains(restarted.Address) && !s.Agent.CurrentView.ActiveSilos.Contains(old.Address)),
            "the others see the new incarnation and not the old one", Deadline);
        Assert.Equal(4, (await Table().ReadAllAsync()).Rows.Count);
    }

    [Fact]
    public async Task A_silo_whose_heartbeats_stopped_is_declared_dead_even_if_it_answers_probes()
    {
        var silos = await StartClusterAsync(2);
        var table = Table();
        // A row whose owner answers probes (a hung membership loop, say) but never writes IAmAlive.
        var stuck = new SiloAddress("127.0.0.1", 11050, 1);
        _network.Connect(stuck);
        var snapshot = await table.ReadAllAsync();
        Assert.True(await table.InsertAsync(new MembershipEntry(stuck, SiloStatus.Active, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, []),
            snapshot.Version));

        await Eventually.True(async () => (await RowOf(stuck)).Status == SiloStatus.Dead,
            "the silo without heartbeats is declared dead", Deadline);
        Assert.Empty((await RowOf(stuck)).SuspectedBy);
        foreach (var silo in silos)
            Assert.Equal(SiloStatus.Active, (await RowOf(silo.Address)).Status);
    }

    [Fact]
    public async Task After_an_outage_of_the_table_no_silo_declares_the_others_dead_for_their_stale_heartbeats()
    {
        var links = new List<SeveredMembershipTable>();
        var silos = new List<Silo>();
        for (var i = 0; i < 3; i++)
            silos.Add(await StartSiloAsync(11001 + i, connect: t =>
            {
                var link = new SeveredMembershipTable(t);
                links.Add(link);
                return link;
            }));
        await Eventually.True(() => silos.All(s => s.Agent.CurrentView.ActiveSilos.Count == 3), "all three see each other", Deadline);

        links.ForEach(l => l.Severed = true);
        // The outage lasts until every row's heartbeat has expired.
        await Eventually.True(async () => (await Table().ReadAllAsync()).Rows.All(r => DateTimeOffset.UtcNow - r.Entry.IAmAliveTime > Fast.IAmAliveExpiry),
            "every heartbeat in the table is older than the expiry", Deadline);
        var roundsAtRecovery = silos.Select(s => s.Agent.RefreshRounds).ToArray();
        // Restore one link first: that silo reads a table in which everyone else looks dead.
        links[0].Severed = false;
        await Eventually.True(() => silos[0].Agent.RefreshRounds >= roundsAtRecovery[0] + 5, "the first silo back refreshed", Deadline);
        links.ForEach(l => l.Severed = false);
        // 40 more rounds of 100 ms outlast the 3 s expiry: by then every silo has judged the heartbeats.
        await Eventually.True(() => silos.Select((s, i) => s.Agent.RefreshRounds >= roundsAtRecovery[i] + 45 || s.DeclaredDead.Task.IsCompleted).All(x => x),
            "every silo refreshed for longer than the expiry after the outage (or was declared dead)", Deadline);

        var rows = (await Table().ReadAllAsync()).Rows;
        Assert.All(rows, r => Assert.Equal(SiloStatus.Active, r.Entry.Status));
        Assert.All(silos, s => Assert.False(s.DeclaredDead.Task.IsCompleted));
    }

    [Fact]
    public async Task A_gracefully_stopped_silo_leaves_without_being_declared_dead()
    {
        var silos = await StartClusterAsync(3);
        var leaving = silos[0];

        await leaving.Agent.StopAsync();
        _network.Remove(leaving.Address);

        var row = await RowOf(leaving.Address);
        Assert.Equal(SiloStatus.Dead, row.Status);
        Assert.Empty(row.SuspectedBy);
        Assert.False(leaving.DeclaredDead.Task.IsCompleted);
        await Eventually.True(() => silos[1..].All(s => !s.Agent.CurrentView.ActiveSilos.Contains(leaving.Address)),
            "the others drop the silo that left", Deadline);
    }

    [Fact]
    public async Task A_silo_stopping_while_the_table_is_unreachable_still_stops_and_is_declared_dead_by_the_others()
    {
        var silos = (await StartClusterAsync(2)).ToList();
        SeveredMembershipTable? link = null;
        var leaving = await StartSiloAsync(11020, connect: t => link = new SeveredMembershipTable(t));
        await Eventually.True(() => silos.All(s => s.Agent.CurrentView.ActiveSilos.Contains(leaving.Address)), "the others see the third silo", Deadline);

        link!.Severed = true;
        await leaving.Agent.StopAsync();
        _network.Remove(leaving.Address);

        await Eventually.True(() => silos.All(s => !s.Agent.CurrentView.ActiveSilos.Contains(leaving.Address)),
            "the others drop the silo that could not say goodbye", Deadline);
        Assert.Equal(SiloStatus.Dead, (await RowOf(leaving.Address)).Status);
    }

    [Fact]
    public async Task Starting_a_silo_whose_address_and_generation_are_already_in_the_table_fails()
    {
        var silos = await StartClusterAsync(1);

        var duplicate = new MembershipAgent(Table(),
            new MembershipEntry(silos[0].Address, SiloStatus.Joining, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, []),
            _network.ProberFor(silos[0].Address), Fast);
        _running.Add(duplicate);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => duplicate.StartAsync(CancellationToken.None));
        Assert.Contains(silos[0].Address.ToString(), error.Message);
    }
}

public sealed class InProcessMembershipAgentScenarios : MembershipAgentScenarios
{
    private readonly InProcessMembershipTable _table = new();

    protected override IMembershipTable OpenTable() => _table;
}

public sealed class RedisMembershipAgentScenarios(GatoMesh.Testing.RedisServerFixture redis)
    : MembershipAgentScenarios, IClassFixture<GatoMesh.Testing.RedisServerFixture>
{
    private readonly string _clusterId = $"agents-{Guid.NewGuid():N}";

    protected override IMembershipTable OpenTable() => new RedisMembershipTable(redis.Configuration, _clusterId);
}
