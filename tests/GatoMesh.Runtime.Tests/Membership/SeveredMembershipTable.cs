using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Membership;

/// <summary>A silo's connection to a real table that a test can sever and restore (a test double of the
/// network to the table, as <see cref="SimulatedNetwork"/> is of the network between silos).</summary>
internal sealed class SeveredMembershipTable(IMembershipTable table) : IMembershipTable
{
    public volatile bool Severed;

    private void ThrowIfSevered()
    {
        if (Severed)
            throw new IOException("membership table unreachable (severed by the test)");
    }

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellation = default)
    {
        ThrowIfSevered();
        return table.ReadAllAsync(cancellation);
    }

    public Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellation = default)
    {
        ThrowIfSevered();
        return table.InsertAsync(entry, expectedVersion, cancellation);
    }

    public Task<bool> UpdateAsync(MembershipEntry entry, string etag, long expectedVersion, CancellationToken cancellation = default)
    {
        ThrowIfSevered();
        return table.UpdateAsync(entry, etag, expectedVersion, cancellation);
    }

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellation = default)
    {
        ThrowIfSevered();
        return table.UpdateIAmAliveAsync(silo, time, cancellation);
    }

    public Task ClearAsync(CancellationToken cancellation = default)
    {
        ThrowIfSevered();
        return table.ClearAsync(cancellation);
    }
}
