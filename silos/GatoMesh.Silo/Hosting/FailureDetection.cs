using Orleans.Configuration;

namespace GatoMesh.Silo.Hosting;

/// <summary>
/// Orleans' failure detection for a GatoMesh cluster (docs/MEMBERSHIP.md, "Failure detection"). A dead
/// silo's sessions cannot step until the cluster declares it dead, so the defaults (probes every 5 s,
/// 3 misses, death in ~15-30 s) are far too slow for robots at 20 Hz. <see cref="Fast"/> probes every
/// second and declares death after 2 missed probes, on the votes of 2 silos: a killed silo refuses
/// connections at once, so the misses come one probe period apart and death is declared a few seconds
/// after the kill (measured: docs/MEMBERSHIP.md). A silo that only stalls (a long GC) gets the same 2 s.
/// </summary>
public sealed record FailureDetection(TimeSpan ProbeTimeout, int MissedProbesLimit, int VotesForDeath, TimeSpan TableRefresh, TimeSpan IAmAlive)
{
    public static FailureDetection Fast { get; } = new(TimeSpan.FromSeconds(1), 2, 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));

    internal void ApplyTo(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.MinProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = MissedProbesLimit;
        options.NumVotesForDeathDeclaration = VotesForDeath;
        options.TableRefreshTimeout = TableRefresh;
        options.IAmAliveTablePublishTimeout = IAmAlive;
        // Votes older than this are void: several probe periods, so votes of one failure add up.
        options.DeathVoteExpirationTimeout = ProbeTimeout * (MissedProbesLimit * 4);
        // A silo that cannot join in this long gives up (and exits) instead of retrying for minutes.
        options.MaxJoinAttemptTime = TimeSpan.FromSeconds(60);
    }
}
