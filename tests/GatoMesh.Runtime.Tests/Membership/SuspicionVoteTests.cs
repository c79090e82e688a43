using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Membership;

public sealed class SuspicionVoteTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly MembershipOptions Options = new() { VotesToDeclareDead = 2, VoteExpiry = TimeSpan.FromSeconds(10) };
    private static readonly SiloAddress A = new("127.0.0.1", 11001, 1);
    private static readonly SiloAddress B = new("127.0.0.1", 11002, 1);
    private static readonly SiloAddress C = new("127.0.0.1", 11003, 1);
    private static readonly SiloAddress D = new("127.0.0.1", 11004, 1);

    private static MembershipEntry Row(SiloAddress silo, SiloStatus status = SiloStatus.Active, params Suspicion[] votes) =>
        new(silo, status, 0, Now, Now, votes);

    private static MembershipSnapshot Table(params MembershipEntry[] rows) =>
        new(7, rows.Select(r => new MembershipRow(r, "1")).ToArray());

    [Fact]
    public void A_first_vote_is_recorded_and_leaves_the_suspect_active()
    {
        var suspect = Row(C);

        var after = SuspicionVote.Cast(Table(Row(A), Row(B), suspect, Row(D)), suspect, A, Now, Options);

        Assert.Equal(SiloStatus.Active, after.Status);
        Assert.Equal([new Suspicion(A, Now)], after.SuspectedBy);
    }

    [Fact]
    public void The_vote_that_reaches_the_quorum_declares_the_suspect_dead()
    {
        var suspect = Row(C, votes: new Suspicion(B, Now.AddSeconds(-2)));

        var after = SuspicionVote.Cast(Table(Row(A), Row(B), suspect, Row(D)), suspect, A, Now, Options);

        Assert.Equal(SiloStatus.Dead, after.Status);
        Assert.Equal(2, after.SuspectedBy.Count);
    }

    [Fact]
    public void A_vote_older_than_the_expiry_does_not_count_and_is_dropped()
    {
        var suspect = Row(C, votes: new Suspicion(B, Now.AddSeconds(-11)));

        var after = SuspicionVote.Cast(Table(Row(A), Row(B), suspect, Row(D)), suspect, A, Now, Options);

        Assert.Equal(SiloStatus.Active, after.Status);
        Assert.Equal([new Suspicion(A, Now)], after.SuspectedBy);
    }

    [Fact]
    public void A_vote_cast_by_a_dead_silo_does_not_count()
    {
        var suspect = Row(C, votes: new Suspicion(B, Now.AddSeconds(-1)));

        var after = SuspicionVote.Cast(Table(Row(A), Row(B, SiloStatus.Dead), suspect, Row(D)), suspect, A, Now, Options);

        Assert.Equal(SiloStatus.Active, after.Status);
        Assert.Equal([new Suspicion(A, Now)], after.SuspectedBy);
    }

    [Fact]
    public void A_voter_voting_again_renews_its_single_vote_instead_of_counting_twice()
    {
        var suspect = Row(C, votes: new Suspicion(A, Now.AddSeconds(-3)));

        var after = SuspicionVote.Cast(Table(Row(A), Row(B), suspect, Row(D)), suspect, A, Now, Options);

        Assert.Equal(SiloStatus.Active, after.Status);
        Assert.Equal([new Suspicion(A, Now)], after.SuspectedBy);
    }

    [Fact]
    public void In_a_cluster_of_two_the_single_other_silo_is_a_quorum()
    {
        var suspect = Row(B);

        var after = SuspicionVote.Cast(Table(Row(A), suspect), suspect, A, Now, Options);

        Assert.Equal(SiloStatus.Dead, after.Status);
    }
}
