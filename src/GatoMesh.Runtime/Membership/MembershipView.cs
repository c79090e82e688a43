namespace GatoMesh.Runtime.Membership;

/// <summary>What a silo believes about the cluster: the table version it last read and the silos that
/// were Active in it, ordered by endpoint then generation so every silo lists the same view the same way.</summary>
public sealed record MembershipView(long Version, IReadOnlyList<SiloAddress> ActiveSilos)
{
    internal static MembershipView Of(MembershipSnapshot snapshot) => new(
        snapshot.Version,
        snapshot.Rows
            .Where(r => r.Entry.Status == SiloStatus.Active)
            .Select(r => r.Entry.Silo)
            .OrderBy(s => s.Host, StringComparer.Ordinal)
            .ThenBy(s => s.Port)
            .ThenBy(s => s.Generation)
            .ToArray());
}
