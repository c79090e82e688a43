using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

public class ControlTests
{
    [Fact]
    public void The_cartpole_starts_hanging_down_near_the_centre_and_earns_little_there()
    {
        using var environment = new CartpoleSwingup();
        var position = environment.Reset(3).GetContinuous(CartpoleSwingup.PositionKey);
        Assert.InRange(position[0], -0.05f, 0.05f);
        Assert.InRange(position[1], -1f, -0.99f);
        var result = environment.Step(new ActionValues().SetContinuous(CartpoleSwingup.ForceKey, [0f]));
        Assert.InRange(result.Reward, 0f, 0.01f);
    }

    [Fact]
    public void The_cartpole_expert_swings_up_and_holds_the_pole_upright_and_centred()
    {
        using var environment = new CartpoleSwingup();
        var episode = Rollout.Run("cartpole-swingup", environment, new CartpoleExpert(), 12);
        var last = episode.Steps[^1].Observation.GetContinuous(CartpoleSwingup.PositionKey);
        Assert.True(last[1] > 0.99f, $"cos = {last[1]} at the end");
        Assert.InRange(last[0], -0.5f, 0.5f);
        Assert.All(episode.Steps.TakeLast(50), step => Assert.True(step.Reward > 0.8f));
    }

    [Fact]
    public void The_reacher_pays_only_while_the_fingertip_is_within_the_target_radius()
    {
        using var environment = new Reacher();
        var episode = Rollout.Run("reacher", environment, new ReacherExpert(), 4);
        for (var t = 1; t < episode.Steps.Count; t++)
        {
            var gap = episode.Steps[t].Observation.GetContinuous(Reacher.ToTargetKey);
            var inside = Math.Sqrt(gap[0] * gap[0] + gap[1] * gap[1]) <= Reacher.TargetRadius;
            Assert.Equal(inside ? 1f : 0f, episode.Steps[t - 1].Reward);
        }
        Assert.Equal(1f, episode.Steps[^1].Reward);
    }

    [Fact]
    public void A_non_finite_force_is_rejected_by_name()
    {
        using var environment = new CartpoleSwingup();
        environment.Reset(0);
        var error = Assert.Throws<InvalidValueException>(() =>
            environment.Step(new ActionValues().SetContinuous(CartpoleSwingup.ForceKey, [float.NaN])));
        Assert.Equal("force[0]", error.Field);
    }
}
