using Orleans.Configuration;

namespace GatoMesh.Silo.Hosting;

/// <summary>
/// Orleans' failure detection for a GatoMesh cluster (docs/MEMBERSHIP.md, "Failure detection"). A dead
/// silo's sessions cannot step until the cluster declares it dead, so the defaults (probes every 5 s,
/// 3 misses, death in ~15-30 s) are far too slow for robots at 20 Hz. <see cref="Fast"/> probes every
/// second and suspects a silo after 3 missed probes; Orleans sends the last of them through another silo
/// (an indirect probe), whose failure counts as that silo's vote too, so 2 votes, and death, come about
/// 3 s after a kill: a killed silo refuses connections at once, so its misses come one period apart.
/// Against false deaths on a loaded machine: 3 misses (not 2) in a row, each probe's timeout adapting
/// between 1 s and 4 s to the peer's measured answers, and Orleans discards a probe that failed while
/// the prober itself was stalled.
/// </summary>
public sealed record FailureDetection(TimeSpan ProbeTimeout, int MissedProbesLimit, int VotesForDeath, TimeSpan TableRefresh, TimeSpan IAmAlive, TimeSpan MaxJoinAttempt)
{
    public static FailureDetection Fast { get; } = new(TimeSpan.FromSeconds(1), 3, 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3));

    /// <summary>
    /// A training job's own cluster: nothing there waits on membership to notice a dead worker (the
    /// launcher sees its process exit, its peers' collectives fail), while a worker's training steps keep
    /// every core busy for seconds and delay its probe answers. Orleans' own defaults (5 s probes, 3
    /// misses) keep such a worker from being declared dead, which would stop its silo and the job.
    /// </summary>
    public static FailureDetection Patient { get; } = new(TimeSpan.FromSeconds(5), 3, 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3));

    internal void ApplyTo(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.MinProbeTimeout = ProbeTimeout;
        options.MaxProbeTimeout = ProbeTimeout * 4;
        options.NumMissedProbesLimit = MissedProbesLimit;
        options.NumVotesForDeathDeclaration = VotesForDeath;
        options.TableRefreshTimeout = TableRefresh;
        options.IAmAliveTablePublishTimeout = IAmAlive;
        // Votes older than this are void: several probe periods, so votes of one failure add up.
        options.DeathVoteExpirationTimeout = ProbeTimeout * (MissedProbesLimit * 4);
        // How long a starting silo keeps trying to join (table reads and writes, pinging every active silo
        // over TLS) before it gives up and exits. On a 2-core machine under a load average of ~20 a join
        // took a minute, with the first connectivity checks failing: a tighter budget makes a slow start a
        // failed one.
        options.MaxJoinAttemptTime = MaxJoinAttempt;
    }
}
