namespace GatoMesh.Runtime.Membership;

/// <summary>
/// Timings and thresholds of the membership protocol (docs/MEMBERSHIP.md, "Timings"). Defaults detect
/// a dead silo in about 3-4 s on a LAN; tests shrink every period to run fast.
/// </summary>
public sealed record MembershipOptions
{
    /// <summary>How often a silo writes its IAmAliveTime.</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo probes each silo it monitors.</summary>
    public TimeSpan ProbePeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A probe that has not answered after this long counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo rereads the whole table (to see joins, deaths and its own status).</summary>
    public TimeSpan TableRefreshPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive missed probes after which a silo votes that the target is dead.</summary>
    public int MissedProbesBeforeSuspecting { get; init; } = 3;

    /// <summary>Votes needed to declare a silo dead; capped at the number of other active silos,
    /// so that in a cluster of two the survivor alone can declare its peer dead.</summary>
    public int VotesToDeclareDead { get; init; } = 2;

    /// <summary>How many other active silos each silo probes (its successors on the probe ring).</summary>
    public int ProbedSilos { get; init; } = 3;

    /// <summary>A silo whose IAmAliveTime is older than this is declared dead without votes.</summary>
    public TimeSpan IAmAliveExpiry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A suspicion vote older than this no longer counts: two voters must agree within this window.</summary>
    public TimeSpan VoteExpiry { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times a conditional write that lost a race is retried from a fresh read.</summary>
    public int WriteAttempts { get; init; } = 10;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        Positive(HeartbeatPeriod, nameof(HeartbeatPeriod));
        Positive(ProbePeriod, nameof(ProbePeriod));
        Positive(ProbeTimeout, nameof(ProbeTimeout));
        Positive(TableRefreshPeriod, nameof(TableRefreshPeriod));
        Positive(IAmAliveExpiry, nameof(IAmAliveExpiry));
        Positive(VoteExpiry, nameof(VoteExpiry));
        AtLeastOne(MissedProbesBeforeSuspecting, nameof(MissedProbesBeforeSuspecting));
        AtLeastOne(VotesToDeclareDead, nameof(VotesToDeclareDead));
        AtLeastOne(ProbedSilos, nameof(ProbedSilos));
        AtLeastOne(WriteAttempts, nameof(WriteAttempts));
        // A silo must get several heartbeats in before it can expire, or healthy silos would die.
        if (IAmAliveExpiry < 2 * HeartbeatPeriod)
            throw new ArgumentOutOfRangeException(nameof(IAmAliveExpiry), IAmAliveExpiry,
                $"must be at least twice {nameof(HeartbeatPeriod)} ({HeartbeatPeriod})");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, value, "must be positive");
    }

    private static void AtLeastOne(int value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, "must be at least 1");
    }
}
