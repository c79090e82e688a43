namespace GatoMesh.Runtime.Membership;

/// <summary>What a silo believes about the cluster: the table version it last read and the silos that
/// were Active in it, ordered by endpoint then generation so every silo lists the same view the same way.</summary>
public sealed record MembershipView(long Version, IReadOnlyList<SiloAddress> ActiveSilos)
{
    /// <summary>The gateway endpoints ("host:port") of the Active silos, in the order of <see cref="ActiveSilos"/>:
    /// what a silo tells clients so they can fail over to gateways they were not configured with.</summary>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    internal static MembershipView Of(MembershipSnapshot snapshot)
    {
        var active = snapshot.Rows
            .Select(r => r.Entry)
            .Where(e => e.Status == SiloStatus.Active)
            .OrderBy(e => e.Silo.Host, StringComparer.Ordinal)
            .ThenBy(e => e.Silo.Port)
            .ThenBy(e => e.Silo.Generation)
            .ToArray();
        return new(snapshot.Version, [.. active.Select(e => e.Silo)])
        {
            Gateways = [.. active.Select(e => $"{e.Silo.Host}:{e.GatewayPort}")],
        };
    }
}
