using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

public class ControlTests
{
    [Fact]
    public void The_cartpole_starts_hanging_down_near_the_centre_and_earns_little_there()
    {
        using var environment = new Cartpole(CartpoleStart.SwingUp);
        var position = environment.Reset(3).GetContinuous(Cartpole.PositionKey);
        Assert.InRange(position[0], -0.05f, 0.05f);
        Assert.InRange(position[1], -1f, -0.99f);
        var result = environment.Step(new ActionValues().SetContinuous(Cartpole.ForceKey, [0f]));
        Assert.InRange(result.Reward, 0f, 0.01f);
    }

    [Fact]
    public void The_cartpole_expert_swings_up_and_holds_the_pole_upright_and_centred()
    {
        using var environment = new Cartpole(CartpoleStart.SwingUp);
        var episode = Rollout.Run("cartpole-swingup", environment, new CartpoleExpert(), 12);
        var last = episode.Steps[^1].Observation.GetContinuous(Cartpole.PositionKey);
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
    public void The_reacher_sees_the_target_from_its_upper_arm_and_the_pieces_add_up_in_the_room()
    {
        using var environment = new Reacher();
        var spins = 0;
        foreach (var step in Enumerable.Range(0, 10).SelectMany(seed => Rollout.Run("reacher", environment, new RandomPolicy(environment.Spec), (ulong)seed).Steps))
        {
            var joints = step.Observation.GetContinuous(Reacher.JointsKey);
            var target = step.Observation.GetContinuous(Reacher.TargetKey);
            var gap = step.Observation.GetContinuous(Reacher.ToTargetKey);
            Assert.InRange(joints[0], -Math.PI, Math.PI);
            Assert.InRange(target[1], -Math.PI, Math.PI);
            Assert.InRange(target[0], 0.05f - 1e-6f, 0.20f + 1e-6f);
            // Forward kinematics from the joint angles, the target rotated back by the shoulder's angle:
            // their difference is the room-frame gap the environment measures with its fingertip sensor.
            double shoulder = joints[0], elbow = joints[1], l = Reacher.LinkLength;
            var tipX = l * (Math.Cos(shoulder) + Math.Cos(shoulder + elbow));
            var tipY = l * (Math.Sin(shoulder) + Math.Sin(shoulder + elbow));
            var targetX = target[0] * Math.Cos(shoulder + target[1]);
            var targetY = target[0] * Math.Sin(shoulder + target[1]);
            Assert.Equal(targetX - tipX, gap[0], tolerance: 1e-5);
            Assert.Equal(targetY - tipY, gap[1], tolerance: 1e-5);
            if (Math.Abs(joints[0]) > 3) spins++;
        }
        Assert.True(spins > 0, "the random arm never came near the wrap at pi, so the wrapping is untested");
    }

    [Fact]
    public void A_non_finite_force_is_rejected_by_name()
    {
        using var environment = new Cartpole(CartpoleStart.SwingUp);
        environment.Reset(0);
        var error = Assert.Throws<InvalidValueException>(() =>
            environment.Step(new ActionValues().SetContinuous(Cartpole.ForceKey, [float.NaN])));
        Assert.Equal("force[0]", error.Field);
    }
}
