using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Eval;
using GatoMesh.Grains;
using GatoMesh.Tokens;

namespace GatoMesh.Eval.Tests;

/// <summary>The adapter between the environments' values and the serving contract's wire values.</summary>
public sealed class WireValuesTests
{
    public static TheoryData<string> Tasks => new(TaskCatalog.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Tasks))]
    public void An_observation_crosses_the_wire_and_back_unchanged(string name)
    {
        var task = TaskCatalog.Get(name);
        using var environment = task.CreateEnvironment();
        var observation = environment.Reset(7);

        var wire = WireValues.FromObservation(environment.Spec, observation);

        Assert.Equal(environment.Spec.Observation.Select(f => f.Key).Order(), wire.Keys.Order());
        Assert.All(wire.Values, value => Assert.Equal(1, value.KindsSet));
        Assert.True(WireValues.ToObservation(environment.Spec, wire).SameAs(observation));
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void An_expert_action_crosses_the_wire_and_back_unchanged(string name)
    {
        var task = TaskCatalog.Get(name);
        using var environment = task.CreateEnvironment();
        var observation = environment.Reset(3);
        var expert = task.CreateExpert(environment);
        expert.Reset(3);
        var action = expert.Act(observation);

        var back = WireValues.ToAction(environment.Spec, WireValues.FromAction(environment.Spec, action));

        Assert.True(FieldValues.FromAction(environment.Spec, back).SameAs(FieldValues.FromAction(environment.Spec, action)));
    }

    [Fact]
    public void Images_go_out_with_the_spec_s_height_width_and_channels()
    {
        using var environment = new CatchEnvironment();
        var wire = WireValues.FromObservation(environment.Spec, environment.Reset(1));

        var image = wire["pixels"].Image!;
        Assert.Equal((64, 64, 3, 64 * 64 * 3), (image.Height, image.Width, image.Channels, image.Pixels.Length));
    }

    [Fact]
    public void A_reply_missing_an_action_field_is_refused_naming_it()
    {
        using var environment = new Reacher();
        var error = Assert.Throws<Tokens.MissingFieldException>(() =>
            WireValues.ToAction(environment.Spec, new Dictionary<string, FieldValue>()));
        Assert.Contains("action.torque", error.Message);
    }

    [Fact]
    public void A_reply_with_the_wrong_kind_is_refused_naming_the_field()
    {
        using var environment = new CatchEnvironment();
        var error = Assert.Throws<InvalidValueException>(() => WireValues.ToAction(environment.Spec,
            new Dictionary<string, FieldValue> { ["move"] = FieldValue.OfContinuous(0.5f) }));
        Assert.Contains("action.move", error.Message);
    }

    [Fact]
    public void A_reply_with_the_wrong_element_count_is_refused_naming_the_field()
    {
        using var environment = new Reacher();
        var error = Assert.Throws<ShapeMismatchException>(() => WireValues.ToAction(environment.Spec,
            new Dictionary<string, FieldValue> { ["torque"] = FieldValue.OfContinuous(0.1f, 0.2f, 0.3f) }));
        Assert.Contains("action.torque", error.Message);
    }

    [Fact]
    public void A_reply_with_a_field_the_spec_lacks_is_refused_naming_it()
    {
        using var environment = new CatchEnvironment();
        var error = Assert.Throws<UnknownFieldException>(() => WireValues.ToAction(environment.Spec,
            new Dictionary<string, FieldValue> { ["move"] = FieldValue.OfDiscrete(1), ["jump"] = FieldValue.OfDiscrete(1) }));
        Assert.Contains("action.jump", error.Message);
    }

    [Fact]
    public void A_value_with_two_kinds_set_is_refused()
    {
        using var environment = new CatchEnvironment();
        var error = Assert.Throws<InvalidValueException>(() => WireValues.ToAction(environment.Spec,
            new Dictionary<string, FieldValue> { ["move"] = new FieldValue { Discrete = [1], Continuous = [1f] } }));
        Assert.Contains("action.move", error.Message);
    }
}
