namespace GatoMesh.Runtime.Membership;

/// <summary>
/// One silo's vote that another is dead, applied to the suspect's row (Orleans' TryToSuspectOrKill).
/// Votes live in the suspect's own row, so every vote is a conditional write on that row and two
/// voters can never both believe their vote was the deciding one. Counting rules:
/// a vote older than <see cref="MembershipOptions.VoteExpiry"/> or cast by a silo that is itself Dead
/// no longer counts and is dropped; a voter has one vote (a new one replaces its old one); the vote
/// that brings the count to the quorum writes Dead instead of adding itself.
/// </summary>
internal static class SuspicionVote
{
    /// <summary>The suspect's row after <paramref name="voter"/>'s vote at <paramref name="now"/>:
    /// Dead when the fresh votes reach the quorum, otherwise Active (or its status) with the vote added.</summary>
    public static MembershipEntry Cast(MembershipSnapshot snapshot, MembershipEntry suspect, SiloAddress voter,
        DateTimeOffset now, MembershipOptions options)
    {
        var dead = snapshot.Rows.Where(r => r.Entry.Status == SiloStatus.Dead).Select(r => r.Entry.Silo).ToHashSet();
        var votes = suspect.SuspectedBy
            .Where(v => v.By != voter && now - v.At < options.VoteExpiry && !dead.Contains(v.By))
            .GroupBy(v => v.By)
            .Select(g => g.MaxBy(v => v.At))
            .Append(new Suspicion(voter, now))
            .ToArray();
        var status = votes.Length >= QuorumFor(snapshot, suspect.Silo, options) ? SiloStatus.Dead : suspect.Status;
        return suspect with { Status = status, SuspectedBy = votes };
    }

    /// <summary>Votes needed to declare <paramref name="suspect"/> dead: the configured number, capped at the
    /// number of Active silos other than the suspect (at least one).</summary>
    public static int QuorumFor(MembershipSnapshot snapshot, SiloAddress suspect, MembershipOptions options)
    {
        var others = snapshot.Rows.Count(r => r.Entry.Status == SiloStatus.Active && r.Entry.Silo != suspect);
        return Math.Max(1, Math.Min(options.VotesToDeclareDead, others));
    }
}
