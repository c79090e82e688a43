namespace GatoMesh.Runtime.Membership;

/// <summary>
/// The shared membership table every silo reads and writes with optimistic concurrency
/// (Orleans' IMembershipTable). Writes are conditional on the table version the writer last read
/// and, for updates, on the row's ETag; a write whose condition fails returns false and changes
/// nothing, so two silos can never both declare the same change. Implementations: in-process
/// (the embedded default, one silo) and Redis (a cluster). All pass MembershipTableConformance.
/// </summary>
public interface IMembershipTable
{
    /// <summary>The whole table and its version.</summary>
    Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellation = default);

    /// <summary>Adds a row for a silo not yet in the table, if the table is still at
    /// <paramref name="expectedVersion"/>. Returns false (and writes nothing) otherwise or if the row exists.</summary>
    Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellation = default);

    /// <summary>Replaces a row if its ETag is <paramref name="etag"/> and the table is at
    /// <paramref name="expectedVersion"/>. Returns false (and writes nothing) otherwise.</summary>
    Task<bool> UpdateAsync(MembershipEntry entry, string etag, long expectedVersion, CancellationToken cancellation = default);

    /// <summary>Heartbeat: sets the row's IAmAliveTime without a version check (Orleans does the same:
    /// liveness writes must not contend with membership changes). Does not bump the version.</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellation = default);

    /// <summary>Removes every row (tests and `gatomesh cluster down`).</summary>
    Task ClearAsync(CancellationToken cancellation = default);
}
