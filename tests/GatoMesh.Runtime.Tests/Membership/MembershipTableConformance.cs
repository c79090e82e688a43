using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Membership;

/// <summary>
/// The contract of <see cref="IMembershipTable"/> (Orleans' MembershipTableTestsBase, our own cases):
/// every implementation derives from this class and passes all of it. xunit builds a new instance,
/// and so a new empty table, per test.
/// </summary>
public abstract class MembershipTableConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private IMembershipTable? _table;

    /// <summary>A new, empty table; disposed after the test if it is disposable.</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync();

    protected IMembershipTable Table => _table ?? throw new InvalidOperationException("table not created");

    public async Task InitializeAsync() => _table = await CreateTableAsync();

    public Task DisposeAsync()
    {
        (_table as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    protected static MembershipEntry Entry(int port, long generation = 1, SiloStatus status = SiloStatus.Active,
        DateTimeOffset? alive = null, params Suspicion[] suspectedBy) =>
        new(new SiloAddress("127.0.0.1", port, generation), status, port + 1000, T0, alive ?? T0, suspectedBy);

    [Fact]
    public async Task An_empty_table_has_no_rows()
    {
        var snapshot = await Table.ReadAllAsync();
        Assert.Empty(snapshot.Rows);
    }

    [Fact]
    public async Task Insert_at_the_current_version_adds_the_row_and_bumps_the_version()
    {
        var before = await Table.ReadAllAsync();
        var entry = Entry(11111, suspectedBy: new Suspicion(new SiloAddress("127.0.0.1", 22222, 7), T0.AddSeconds(3)));

        Assert.True(await Table.InsertAsync(entry, before.Version));

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version + 1, after.Version);
        var row = Assert.Single(after.Rows);
        AssertSameEntry(entry, row.Entry);
        Assert.False(string.IsNullOrEmpty(row.ETag));
    }

    [Fact]
    public async Task Inserting_a_silo_that_is_already_in_the_table_fails_and_writes_nothing()
    {
        var entry = Entry(11111);
        Assert.True(await Table.InsertAsync(entry, (await Table.ReadAllAsync()).Version));
        var before = await Table.ReadAllAsync();

        Assert.False(await Table.InsertAsync(entry with { Status = SiloStatus.Dead }, before.Version));

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        var row = Assert.Single(after.Rows);
        Assert.Equal(SiloStatus.Active, row.Entry.Status);
        Assert.Equal(before.Rows[0].ETag, row.ETag);
    }

    [Fact]
    public async Task The_same_address_with_a_new_generation_is_a_separate_row()
    {
        var old = Entry(11111, generation: 1, status: SiloStatus.Dead);
        var restarted = Entry(11111, generation: 2);
        Assert.True(await Table.InsertAsync(old, (await Table.ReadAllAsync()).Version));
        Assert.True(await Table.InsertAsync(restarted, (await Table.ReadAllAsync()).Version));

        var rows = (await Table.ReadAllAsync()).Rows;
        Assert.Equal(2, rows.Count);
        Assert.Equal(SiloStatus.Dead, rows.Single(r => r.Entry.Silo.Generation == 1).Entry.Status);
        Assert.Equal(SiloStatus.Active, rows.Single(r => r.Entry.Silo.Generation == 2).Entry.Status);
    }

    [Fact]
    public async Task Insert_at_a_stale_version_fails_and_writes_nothing()
    {
        var stale = (await Table.ReadAllAsync()).Version;
        Assert.True(await Table.InsertAsync(Entry(11111), stale));

        Assert.False(await Table.InsertAsync(Entry(22222), stale));

        var after = await Table.ReadAllAsync();
        Assert.Equal(stale + 1, after.Version);
        Assert.Equal(11111, Assert.Single(after.Rows).Entry.Silo.Port);
    }

    [Fact]
    public async Task Update_with_the_current_etag_and_version_replaces_the_row_and_changes_its_etag()
    {
        Assert.True(await Table.InsertAsync(Entry(11111, status: SiloStatus.Joining), (await Table.ReadAllAsync()).Version));
        var before = await Table.ReadAllAsync();
        var row = Assert.Single(before.Rows);
        var voter = new SiloAddress("127.0.0.1", 22222, 3);
        var changed = row.Entry with { Status = SiloStatus.Active, SuspectedBy = [new Suspicion(voter, T0.AddSeconds(1))] };

        Assert.True(await Table.UpdateAsync(changed, row.ETag, before.Version));

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version + 1, after.Version);
        var updated = Assert.Single(after.Rows);
        AssertSameEntry(changed, updated.Entry);
        Assert.NotEqual(row.ETag, updated.ETag);
    }

    [Fact]
    public async Task Update_with_a_stale_etag_fails_and_writes_nothing()
    {
        Assert.True(await Table.InsertAsync(Entry(11111), (await Table.ReadAllAsync()).Version));
        var first = await Table.ReadAllAsync();
        var staleETag = first.Rows[0].ETag;
        Assert.True(await Table.UpdateAsync(first.Rows[0].Entry with { Status = SiloStatus.ShuttingDown }, staleETag, first.Version));
        var before = await Table.ReadAllAsync();

        Assert.False(await Table.UpdateAsync(before.Rows[0].Entry with { Status = SiloStatus.Dead }, staleETag, before.Version));

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(SiloStatus.ShuttingDown, after.Rows[0].Entry.Status);
        Assert.Equal(before.Rows[0].ETag, after.Rows[0].ETag);
    }

    [Fact]
    public async Task Update_at_a_stale_version_fails_and_writes_nothing_even_with_the_current_etag()
    {
        Assert.True(await Table.InsertAsync(Entry(11111), (await Table.ReadAllAsync()).Version));
        var read = await Table.ReadAllAsync();
        // Another silo's row changes the table version; our row's ETag stays current.
        Assert.True(await Table.InsertAsync(Entry(22222), read.Version));
        var row = read.Rows.Single();

        Assert.False(await Table.UpdateAsync(row.Entry with { Status = SiloStatus.Dead }, row.ETag, read.Version));

        var after = await Table.ReadAllAsync();
        Assert.Equal(read.Version + 1, after.Version);
        var unchanged = after.Rows.Single(r => r.Entry.Silo == row.Entry.Silo);
        Assert.Equal(SiloStatus.Active, unchanged.Entry.Status);
        Assert.Equal(row.ETag, unchanged.ETag);
    }

    [Fact]
    public async Task Update_of_a_row_that_is_not_in_the_table_fails()
    {
        var version = (await Table.ReadAllAsync()).Version;

        Assert.False(await Table.UpdateAsync(Entry(11111), "1", version));

        var after = await Table.ReadAllAsync();
        Assert.Empty(after.Rows);
        Assert.Equal(version, after.Version);
    }

    [Fact]
    public async Task Of_many_concurrent_updates_from_the_same_read_exactly_one_wins()
    {
        Assert.True(await Table.InsertAsync(Entry(11111), (await Table.ReadAllAsync()).Version));
        var read = await Table.ReadAllAsync();
        var row = read.Rows.Single();
        const int writers = 16;
        using var start = new ManualResetEventSlim();

        // Each writer adds its own suspicion vote, as racing probers do; all start together on pool threads.
        var attempts = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var vote = new Suspicion(new SiloAddress("127.0.0.1", 30000 + i, 1), T0.AddSeconds(i));
            var won = await Table.UpdateAsync(row.Entry with { SuspectedBy = [vote] }, row.ETag, read.Version);
            return (won, voter: vote.By);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.won);
        var after = await Table.ReadAllAsync();
        Assert.Equal(read.Version + 1, after.Version);
        Assert.Equal(winner.voter, Assert.Single(after.Rows.Single().Entry.SuspectedBy).By);
    }

    [Fact]
    public async Task Of_many_concurrent_inserts_at_the_same_version_exactly_one_wins()
    {
        var version = (await Table.ReadAllAsync()).Version;
        const int writers = 16;
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Table.InsertAsync(Entry(40000 + i), version);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(won => won));
        var after = await Table.ReadAllAsync();
        Assert.Equal(version + 1, after.Version);
        Assert.Equal(40000 + Array.IndexOf(results, true), Assert.Single(after.Rows).Entry.Silo.Port);
    }

    [Fact]
    public async Task A_heartbeat_sets_IAmAlive_without_bumping_the_version_or_the_etag()
    {
        Assert.True(await Table.InsertAsync(Entry(11111), (await Table.ReadAllAsync()).Version));
        var before = await Table.ReadAllAsync();
        var row = before.Rows.Single();

        await Table.UpdateIAmAliveAsync(row.Entry.Silo, T0.AddSeconds(10));

        var after = await Table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(row.ETag, after.Rows.Single().ETag);
        Assert.Equal(T0.AddSeconds(10), after.Rows.Single().Entry.IAmAliveTime);
        // A membership change prepared before the heartbeat still goes through.
        Assert.True(await Table.UpdateAsync(row.Entry with { Status = SiloStatus.ShuttingDown }, row.ETag, before.Version));
    }

    [Fact]
    public async Task An_update_carrying_an_older_IAmAlive_does_not_undo_a_newer_heartbeat()
    {
        Assert.True(await Table.InsertAsync(Entry(11111, alive: T0), (await Table.ReadAllAsync()).Version));
        var read = await Table.ReadAllAsync();
        var row = read.Rows.Single();
        await Table.UpdateIAmAliveAsync(row.Entry.Silo, T0.AddSeconds(30));

        var vote = new Suspicion(new SiloAddress("127.0.0.1", 22222, 1), T0.AddSeconds(31));
        Assert.True(await Table.UpdateAsync(row.Entry with { SuspectedBy = [vote] }, row.ETag, read.Version));

        var entry = (await Table.ReadAllAsync()).Rows.Single().Entry;
        Assert.Equal(T0.AddSeconds(30), entry.IAmAliveTime);
        Assert.Single(entry.SuspectedBy);
    }

    [Fact]
    public async Task A_heartbeat_for_a_silo_not_in_the_table_adds_nothing()
    {
        var before = await Table.ReadAllAsync();

        await Table.UpdateIAmAliveAsync(new SiloAddress("127.0.0.1", 11111, 1), T0);

        var after = await Table.ReadAllAsync();
        Assert.Empty(after.Rows);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Clear_removes_every_row_and_fails_writes_based_on_reads_from_before()
    {
        Assert.True(await Table.InsertAsync(Entry(11111), (await Table.ReadAllAsync()).Version));
        Assert.True(await Table.InsertAsync(Entry(22222), (await Table.ReadAllAsync()).Version));
        var before = await Table.ReadAllAsync();

        await Table.ClearAsync();

        var after = await Table.ReadAllAsync();
        Assert.Empty(after.Rows);
        Assert.False(await Table.InsertAsync(Entry(33333), before.Version));
        Assert.True(await Table.InsertAsync(Entry(33333), after.Version));
    }

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.Silo, actual.Silo);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.GatewayPort, actual.GatewayPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(expected.SuspectedBy, actual.SuspectedBy);
    }
}
