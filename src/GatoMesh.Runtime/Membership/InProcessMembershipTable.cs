namespace GatoMesh.Runtime.Membership;

/// <summary>
/// The membership table of the embedded default: one silo, or several silos sharing one process.
/// One lock makes every write's version and ETag check atomic with the write itself, the same
/// guarantee the Redis table gets from running its checks inside a Lua script.
/// ETags are the table version written by the row's last insert or update, so they never repeat.
/// </summary>
public sealed class InProcessMembershipTable : IMembershipTable
{
    private readonly object _gate = new();
    private readonly Dictionary<SiloAddress, MembershipRow> _rows = new();
    private long _version;

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
            return Task.FromResult(new MembershipSnapshot(_version, _rows.Values.ToArray()));
    }

    public Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_version != expectedVersion || _rows.ContainsKey(entry.Silo))
                return Task.FromResult(false);
            _version++;
            _rows[entry.Silo] = new MembershipRow(Snapshot(entry), ETagOf(_version));
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateAsync(MembershipEntry entry, string etag, long expectedVersion, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_version != expectedVersion || !_rows.TryGetValue(entry.Silo, out var current) || current.ETag != etag)
                return Task.FromResult(false);
            _version++;
            // A writer copies IAmAliveTime from the row it read; a heartbeat that landed since must
            // not be undone, or the silo could be declared dead for a silence it never had.
            var alive = Later(entry.IAmAliveTime, current.Entry.IAmAliveTime);
            _rows[entry.Silo] = new MembershipRow(Snapshot(entry) with { IAmAliveTime = alive }, ETagOf(_version));
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_rows.TryGetValue(silo, out var current))
            {
                var alive = Later(time, current.Entry.IAmAliveTime);
                _rows[silo] = current with { Entry = current.Entry with { IAmAliveTime = alive } };
            }
        }
        return Task.CompletedTask;
    }

    public Task ClearAsync(CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _rows.Clear();
            // The version keeps counting: a writer holding a version read before the clear must still fail.
            _version++;
        }
        return Task.CompletedTask;
    }

    private static string ETagOf(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    // The caller keeps its list; the table must not change when the caller later mutates it.
    private static MembershipEntry Snapshot(MembershipEntry entry) => entry with { SuspectedBy = entry.SuspectedBy.ToArray() };
}
