using GatoMesh.Data;
using GatoMesh.Fleet;
using GatoMesh.Tokens;

namespace GatoMesh.Fleet.Tests;

public class SyntheticTaskTests
{
    [Fact]
    public void Observes_an_image_a_continuous_and_a_discrete_field_and_acts_with_a_continuous_field()
    {
        using var task = new SyntheticTask();
        var kinds = task.Spec.Observation.ToDictionary(f => f.Key, f => f.Kind);
        Assert.Equal(FieldKind.Image, kinds[SyntheticTask.CameraKey]);
        Assert.Equal(FieldKind.Continuous, kinds[SyntheticTask.StateKey]);
        Assert.Equal(FieldKind.Discrete, kinds[SyntheticTask.ModeKey]);
        var camera = task.Spec.Observation.Single(f => f.Key == SyntheticTask.CameraKey);
        Assert.Equal(0, camera.Shape[0] % ImagePatcher.PatchSide);
        Assert.Equal(0, camera.Shape[1] % ImagePatcher.PatchSide);
        Assert.Equal([FieldKind.Continuous], task.Spec.Action.Select(f => f.Kind));
    }

    [Fact]
    public void The_same_seed_and_actions_give_the_same_episode_bit_for_bit()
    {
        var first = Play(seed: 42);
        var second = Play(seed: 42);
        Assert.Equal(first.Count, second.Count);
        for (var t = 0; t < first.Count; t++)
            Assert.True(first[t].SameAs(second[t]), $"observation {t} differs between two runs of seed 42");
    }

    [Fact]
    public void Different_seeds_start_different_episodes()
    {
        using var task = new SyntheticTask();
        var a = task.Reset(1);
        var b = task.Reset(2);
        Assert.False(a.SameAs(b));
    }

    [Fact]
    public void Pushing_toward_the_target_reaches_it_and_ends_the_episode_before_the_step_limit()
    {
        using var task = new SyntheticTask();
        var observation = task.Reset(7);
        for (var t = 0; t < task.MaxSteps; t++)
        {
            var state = observation.GetContinuous(SyntheticTask.StateKey);
            // Proportional-derivative control toward the target.
            float Push(int axis) => Math.Clamp(5 * (state[4 + axis] - state[axis]) - 8 * state[2 + axis], -1f, 1f);
            var result = task.Step(new ActionValues().SetContinuous(SyntheticTask.ForceKey, [Push(0), Push(1)]));
            observation = result.Observation;
            if (result.Done)
            {
                Assert.True(t < task.MaxSteps - 1, "a controller pushing toward the target should reach it before the limit");
                Assert.True(result.Reward > -SyntheticTask.ReachRadius);
                return;
            }
        }
        Assert.Fail("the episode never ended");
    }

    [Fact]
    public void An_episode_without_reaching_the_target_ends_at_the_step_limit()
    {
        using var task = new SyntheticTask();
        task.Reset(3);
        var steps = 0;
        var zero = new ActionValues().SetContinuous(SyntheticTask.ForceKey, [0f, 0f]);
        while (!task.Step(zero).Done)
            steps++;
        Assert.Equal(task.MaxSteps - 1, steps);
    }

    [Fact]
    public void A_NaN_force_is_an_error_naming_the_element()
    {
        using var task = new SyntheticTask();
        task.Reset(1);
        var error = Assert.Throws<InvalidValueException>(() =>
            task.Step(new ActionValues().SetContinuous(SyntheticTask.ForceKey, [0f, float.NaN])));
        Assert.Equal("force[1]", error.Field);
    }

    [Fact]
    public void Its_observations_encode_under_its_own_spec()
    {
        using var task = new SyntheticTask();
        var observation = task.Reset(5).ToObservation(task.Spec);
        var buffer = new TokenBuffer();
        var separator = new TimestepEncoder(task.Spec, new TokenSpace(1024)).Encode(observation, null, buffer);
        // 4 patches, 6 state values, 1 mode, then the separator.
        Assert.Equal(11, separator);
        Assert.Equal(4, buffer.PatchCount);
    }

    static List<FieldValues> Play(ulong seed)
    {
        using var task = new SyntheticTask();
        var observations = new List<FieldValues> { task.Reset(seed) };
        for (var t = 0; t < 50; t++)
        {
            var force = (float)Math.Sin(t * 0.3);
            var result = task.Step(new ActionValues().SetContinuous(SyntheticTask.ForceKey, [force, -force]));
            observations.Add(result.Observation);
            if (result.Done)
                break;
        }
        return observations;
    }
}
