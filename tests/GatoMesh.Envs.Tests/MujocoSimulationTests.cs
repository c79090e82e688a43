namespace GatoMesh.Envs.Tests;

/// <summary>The native MuJoCo layer: our models load with the sizes they declare, and MuJoCo's own
/// messages reach .NET as <see cref="MujocoException"/>s instead of ending the process.</summary>
public class MujocoSimulationTests
{
    [Fact]
    public void The_cartpole_model_has_two_joints_one_motor_and_a_fifty_hertz_control_period()
    {
        using var simulation = MujocoSimulation.FromXml(ModelXml.Load("cartpole"));
        Assert.Equal((2, 2, 1), (simulation.PositionCount, simulation.VelocityCount, simulation.ControlCount));
        Assert.Equal(0.02, simulation.Timestep * Cartpole.Substeps, 12);
    }

    [Fact]
    public void Pushing_the_cart_moves_it_along_the_slider()
    {
        using var simulation = MujocoSimulation.FromXml(ModelXml.Load("cartpole"));
        simulation.SetControls([1.0]);
        simulation.Step(10);
        Assert.True(simulation.Positions()[0] > 0.01);
        Assert.Equal(0.1, simulation.Time, 9);
        simulation.Reset();
        Assert.Equal(0.0, simulation.Positions()[0]);
    }

    [Fact]
    public void The_reacher_fingertip_sensor_reads_the_forward_kinematics()
    {
        using var simulation = MujocoSimulation.FromXml(ModelXml.Load("reacher"));
        simulation.SetState([Math.PI / 2, 0], [0, 0]);
        var tip = simulation.Sensors();
        Assert.Equal(0.0, tip[0], 9);
        Assert.Equal(2 * Reacher.LinkLength, tip[1], 9);
    }

    [Fact]
    public void A_model_with_an_unknown_attribute_fails_with_the_parser_message()
    {
        var error = Assert.Throws<MujocoException>(() =>
            MujocoSimulation.FromXml("<mujoco><worldbody><geom type=\"sphere\" size=\"1\" colour=\"red\"/></worldbody></mujoco>"));
        Assert.Equal("XML Error: Schema violation: unrecognized attribute: 'colour' Element 'geom', line 1", error.Message);
    }

    [Fact]
    public void Malformed_xml_fails_with_the_parser_message()
    {
        var error = Assert.Throws<MujocoException>(() => MujocoSimulation.FromXml("<mujoco><worldbody>"));
        Assert.Contains("XML", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Controls_of_the_wrong_length_are_rejected_with_the_expected_count()
    {
        using var simulation = MujocoSimulation.FromXml(ModelXml.Load("reacher"));
        var error = Assert.Throws<MujocoException>(() => simulation.SetControls([0.1]));
        Assert.Equal("ctrl has 2 values, got 1", error.Message);
    }

    [Fact]
    public void A_diverged_simulation_is_an_error_not_a_silent_reset()
    {
        using var simulation = MujocoSimulation.FromXml(ModelXml.Load("cartpole"));
        simulation.SetState([0, 0], [double.NaN, 0]);
        var error = Assert.Throws<MujocoException>(() => simulation.Step(1));
        Assert.StartsWith("simulation diverged (bad qvel)", error.Message);
        simulation.Reset();
        simulation.Step(1);
    }

    [Fact]
    public void A_missing_model_file_is_reported_not_fatal()
    {
        Assert.Throws<MujocoException>(() => MujocoSimulation.FromFile("/nonexistent/model.xml"));
    }
}
