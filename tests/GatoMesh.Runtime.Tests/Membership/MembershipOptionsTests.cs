using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Membership;

public sealed class MembershipOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_match_the_documented_protocol()
    {
        var options = new MembershipOptions();

        options.Validate();
        Assert.Equal(TimeSpan.FromSeconds(1), options.HeartbeatPeriod);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ProbePeriod);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ProbeTimeout);
        Assert.Equal(3, options.MissedProbesBeforeSuspecting);
        Assert.Equal(2, options.VotesToDeclareDead);
        Assert.Equal(TimeSpan.FromSeconds(5), options.IAmAliveExpiry);
    }

    [Fact]
    public void An_invalid_option_is_rejected_naming_the_field()
    {
        var zeroVotes = Assert.Throws<ArgumentOutOfRangeException>(() => new MembershipOptions { VotesToDeclareDead = 0 }.Validate());
        Assert.Equal(nameof(MembershipOptions.VotesToDeclareDead), zeroVotes.ParamName);

        var negativePeriod = Assert.Throws<ArgumentOutOfRangeException>(() => new MembershipOptions { ProbePeriod = TimeSpan.FromSeconds(-1) }.Validate());
        Assert.Equal(nameof(MembershipOptions.ProbePeriod), negativePeriod.ParamName);

        var expiryTooShort = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new MembershipOptions { HeartbeatPeriod = TimeSpan.FromSeconds(3), IAmAliveExpiry = TimeSpan.FromSeconds(5) }.Validate());
        Assert.Equal(nameof(MembershipOptions.IAmAliveExpiry), expiryTooShort.ParamName);
    }
}
