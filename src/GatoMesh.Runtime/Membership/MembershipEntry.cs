namespace GatoMesh.Runtime.Membership;

/// <summary>A silo incarnation: host and silo port plus a generation that is new on every start, so a
/// silo restarted on the same address is a different silo and messages to the old one are refused.</summary>
public readonly record struct SiloAddress(string Host, int Port, long Generation)
{
    public string Endpoint => $"{Host}:{Port}";
    public override string ToString() => $"{Host}:{Port}@{Generation}";
}

public enum SiloStatus
{
    Joining = 1,
    Active = 2,
    ShuttingDown = 3,
    Dead = 4,
}

/// <summary>One vote that <see cref="Suspect"/> failed to answer <see cref="By"/>'s probes.</summary>
public readonly record struct Suspicion(SiloAddress By, DateTimeOffset At);

/// <summary>A row of the membership table (Orleans' MembershipEntry, smaller).</summary>
public sealed record MembershipEntry(
    SiloAddress Silo,
    SiloStatus Status,
    int GatewayPort,
    DateTimeOffset StartTime,
    DateTimeOffset IAmAliveTime,
    IReadOnlyList<Suspicion> SuspectedBy);

/// <summary>A row with the ETag that a conditional update must present.</summary>
public sealed record MembershipRow(MembershipEntry Entry, string ETag);

/// <summary>The whole table at one version. Every successful insert or update bumps the version.</summary>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<MembershipRow> Rows);
