using GatoMesh.Data;
using GatoMesh.Fleet;
using GatoMesh.Grains;
using GatoMesh.Tokens;

namespace GatoMesh.Fleet.Tests;

public class WireFieldsTests
{
    [Fact]
    public void An_observation_crosses_as_one_field_value_per_spec_field_with_the_image_shape_of_the_spec()
    {
        using var task = new SyntheticTask();
        var values = task.Reset(1);
        var wire = WireFields.Observation(task.Spec, values);
        Assert.Equal(3, wire.Count);
        Assert.All(wire.Values, v => Assert.Equal(1, v.KindsSet));
        var camera = wire[SyntheticTask.CameraKey].Image!;
        Assert.Equal((32, 32, 3), (camera.Height, camera.Width, camera.Channels));
        Assert.Same(values.GetImage(SyntheticTask.CameraKey), camera.Pixels);
        Assert.Equal(values.GetDiscrete(SyntheticTask.ModeKey), wire[SyntheticTask.ModeKey].Discrete);
    }

    [Fact]
    public void A_reply_action_becomes_the_environment_action()
    {
        using var task = new SyntheticTask();
        var action = WireFields.Action(task.Spec, new Dictionary<string, FieldValue> { ["force"] = FieldValue.OfContinuous(0.25f, -1f) });
        Assert.Equal([0.25f, -1f], action.GetContinuous("force"));
    }

    [Fact]
    public void A_reply_missing_an_action_field_names_it()
    {
        using var task = new SyntheticTask();
        var error = Assert.Throws<GatoMesh.Tokens.MissingFieldException>(() => WireFields.Action(task.Spec, new Dictionary<string, FieldValue>()));
        Assert.Equal("action.force", error.Field);
    }

    [Fact]
    public void A_reply_holding_an_action_as_the_wrong_kind_names_it()
    {
        using var task = new SyntheticTask();
        var error = Assert.Throws<InvalidValueException>(() =>
            WireFields.Action(task.Spec, new Dictionary<string, FieldValue> { ["force"] = FieldValue.OfDiscrete(1, 2) }));
        Assert.Equal("action.force", error.Field);
    }

    [Fact]
    public void Every_task_of_the_fleet_resolves_by_name_and_its_first_observation_converts()
    {
        foreach (var name in FleetTasks.Names.Where(n => n is "synthetic" or "catch" or "gridworld" or "arm7"))
        {
            using var environment = FleetTasks.Get(name)();
            var wire = WireFields.Observation(environment.Spec, environment.Reset(1));
            Assert.Equal(environment.Spec.Observation.Select(f => f.Key), wire.Keys);
        }
        Assert.Equal(["synthetic", "catch", "gridworld", "cartpole-swingup", "reacher", "arm7"], FleetTasks.Names);
    }
}
