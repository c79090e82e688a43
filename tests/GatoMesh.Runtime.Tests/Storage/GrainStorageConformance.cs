using GatoMesh.Runtime.Storage;

namespace GatoMesh.Runtime.Tests.Storage;

/// <summary>
/// The contract of <see cref="IGrainStorage"/>: every storage provider derives from this class and only
/// provides <see cref="CreateStorage"/>. xunit builds a new instance per test, and the storage is created
/// on first use and disposed after the test if it is disposable.
/// </summary>
public abstract class GrainStorageConformance : IDisposable
{
    private static readonly GrainId Counter = new("Counter", "robot-7");
    private IGrainStorage? _storage;

    /// <summary>A storage holding no state for the grains these tests use.</summary>
    protected abstract IGrainStorage CreateStorage();

    protected IGrainStorage Storage => _storage ??= CreateStorage();

    public void Dispose() => (_storage as IDisposable)?.Dispose();

    private static byte[] Bytes(params byte[] data) => data;

    [Fact]
    public async Task A_grain_that_never_wrote_has_no_state()
    {
        Assert.Null(await Storage.ReadAsync(Counter));
    }

    [Fact]
    public async Task A_first_write_without_an_etag_stores_the_data_under_the_returned_etag()
    {
        var etag = await Storage.WriteAsync(Counter, Bytes(1, 2, 3), null);

        var stored = await Storage.ReadAsync(Counter);
        Assert.NotNull(stored);
        Assert.Equal(Bytes(1, 2, 3), stored.Data);
        Assert.Equal(etag, stored.ETag);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task A_write_with_the_current_etag_replaces_the_data_and_changes_the_etag()
    {
        var first = await Storage.WriteAsync(Counter, Bytes(1), null);

        var second = await Storage.WriteAsync(Counter, Bytes(2, 2), first);

        Assert.NotEqual(first, second);
        var stored = await Storage.ReadAsync(Counter);
        Assert.Equal(Bytes(2, 2), stored!.Data);
        Assert.Equal(second, stored.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_throws_and_writes_nothing()
    {
        var stale = await Storage.WriteAsync(Counter, Bytes(1), null);
        var current = await Storage.WriteAsync(Counter, Bytes(2), stale);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Counter, Bytes(3), stale));

        Assert.Equal(Counter, error.Grain);
        Assert.Equal(stale, error.ExpectedETag);
        Assert.Equal(current, error.ActualETag);
        var stored = await Storage.ReadAsync(Counter);
        Assert.Equal(Bytes(2), stored!.Data);
        Assert.Equal(current, stored.ETag);
    }

    [Fact]
    public async Task A_write_without_an_etag_over_existing_state_throws()
    {
        var current = await Storage.WriteAsync(Counter, Bytes(1), null);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Counter, Bytes(2), null));

        Assert.Null(error.ExpectedETag);
        Assert.Equal(current, error.ActualETag);
        Assert.Equal(Bytes(1), (await Storage.ReadAsync(Counter))!.Data);
    }

    [Fact]
    public async Task A_write_with_an_etag_when_nothing_is_stored_throws()
    {
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Counter, Bytes(1), "no-such-etag"));

        Assert.Equal("no-such-etag", error.ExpectedETag);
        Assert.Null(error.ActualETag);
        Assert.Null(await Storage.ReadAsync(Counter));
    }

    [Fact]
    public async Task Clear_with_the_current_etag_removes_the_state()
    {
        var etag = await Storage.WriteAsync(Counter, Bytes(1), null);

        await Storage.ClearAsync(Counter, etag);

        Assert.Null(await Storage.ReadAsync(Counter));
        await Storage.WriteAsync(Counter, Bytes(9), null);
        Assert.Equal(Bytes(9), (await Storage.ReadAsync(Counter))!.Data);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_throws_and_keeps_the_state()
    {
        var stale = await Storage.WriteAsync(Counter, Bytes(1), null);
        var current = await Storage.WriteAsync(Counter, Bytes(2), stale);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Counter, stale));

        Assert.Equal(current, error.ActualETag);
        Assert.Equal(Bytes(2), (await Storage.ReadAsync(Counter))!.Data);
    }

    [Fact]
    public async Task Clear_without_an_etag_when_nothing_is_stored_succeeds()
    {
        await Storage.ClearAsync(Counter, null);

        Assert.Null(await Storage.ReadAsync(Counter));
    }

    [Fact]
    public async Task An_etag_from_before_a_clear_never_matches_the_state_written_after_it()
    {
        var before = await Storage.WriteAsync(Counter, Bytes(1), null);
        await Storage.ClearAsync(Counter, before);
        var after = await Storage.WriteAsync(Counter, Bytes(2), null);

        Assert.NotEqual(before, after);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Counter, Bytes(3), before));
        Assert.Equal(Bytes(2), (await Storage.ReadAsync(Counter))!.Data);
    }

    [Fact]
    public async Task Grains_differing_in_type_or_key_have_separate_state()
    {
        var sameKeyOtherType = new GrainId("Session", Counter.Key);
        var sameTypeOtherKey = new GrainId(Counter.Type, "robot-8");
        await Storage.WriteAsync(Counter, Bytes(1), null);
        await Storage.WriteAsync(sameKeyOtherType, Bytes(2), null);

        Assert.Equal(Bytes(1), (await Storage.ReadAsync(Counter))!.Data);
        Assert.Equal(Bytes(2), (await Storage.ReadAsync(sameKeyOtherType))!.Data);
        Assert.Null(await Storage.ReadAsync(sameTypeOtherKey));
    }

    [Fact]
    public async Task Empty_binary_and_large_states_round_trip_exactly()
    {
        var empty = new GrainId("Blob", "empty");
        var binary = new GrainId("Blob", "every-byte");
        var large = new GrainId("Blob", "two-megabytes");
        var everyByte = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var twoMegabytes = new byte[2 << 20];
        new Random(7).NextBytes(twoMegabytes);

        await Storage.WriteAsync(empty, Array.Empty<byte>(), null);
        await Storage.WriteAsync(binary, everyByte, null);
        await Storage.WriteAsync(large, twoMegabytes, null);

        Assert.Empty((await Storage.ReadAsync(empty))!.Data);
        Assert.Equal(everyByte, (await Storage.ReadAsync(binary))!.Data);
        Assert.Equal(twoMegabytes, (await Storage.ReadAsync(large))!.Data);
    }

    [Fact]
    public async Task Grains_whose_type_and_key_print_alike_have_separate_state()
    {
        // "A/B" + "c" and "A" + "B/c" both print as A/B/c; a provider keying on the printed form would mix them up.
        var slash = new GrainId("A/B", "c");
        var other = new GrainId("A", "B/c");
        var unicode = new GrainId("Robot", "ロボット-7 ✓");
        await Storage.WriteAsync(slash, Bytes(1), null);
        await Storage.WriteAsync(unicode, Bytes(3), null);

        Assert.Null(await Storage.ReadAsync(other));
        await Storage.WriteAsync(other, Bytes(2), null);
        Assert.Equal(Bytes(1), (await Storage.ReadAsync(slash))!.Data);
        Assert.Equal(Bytes(2), (await Storage.ReadAsync(other))!.Data);
        Assert.Equal(Bytes(3), (await Storage.ReadAsync(unicode))!.Data);
    }

    [Fact]
    public async Task Of_many_concurrent_writers_holding_the_same_etag_exactly_one_wins()
    {
        var etag = await Storage.WriteAsync(Counter, Bytes(0), null);
        const int writers = 16;
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(1, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                return (writer: i, etag: await Storage.WriteAsync(Counter, Bytes((byte)i), etag));
            }
            catch (InconsistentStateException)
            {
                return (writer: i, etag: (string?)null);
            }
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.etag is not null);
        var stored = await Storage.ReadAsync(Counter);
        Assert.Equal(Bytes((byte)winner.writer), stored!.Data);
        Assert.Equal(winner.etag, stored.ETag);
    }
}
