using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// Cartpole swing-up (dm_control's cartpole.swingup on our own MJCF, Control/Models/cartpole.xml):
/// the pole starts hanging down with a little noise; the agent pushes the cart with a force in
/// [-1, 1] (x 10 N) at 50 Hz for 200 steps (4 s). Observation: <c>position</c> = (cart x,
/// cos angle, sin angle), <c>velocity</c> = (cart velocity, angular velocity), angle 0 upright.
/// Reward per step, smooth and in [0, 1], as dm_control: upright <c>(cos + 1) / 2</c> times
/// centred <c>(1 + tol(x, 2)) / 2</c> times small control <c>(4 + tolq(u, 1)) / 5</c> times small
/// angular velocity <c>(1 + tol(w, 5)) / 2</c>.
/// </summary>
public sealed class CartpoleSwingup : IEnvironment
{
    public const string PositionKey = "position", VelocityKey = "velocity", ForceKey = "force";
    internal const int Substeps = 2;

    readonly MujocoSimulation simulation = MujocoSimulation.FromXml(ModelXml.Load("cartpole"));
    int steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new("cartpole-swingup",
        [FieldSpec.Continuous(PositionKey, 3), FieldSpec.Continuous(VelocityKey, 2)],
        [FieldSpec.Continuous(ForceKey, 1)]);

    public int MaxSteps => 200;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        simulation.Reset();
        simulation.SetState(
            [0.01 * Gaussian.Next(random), Math.PI + 0.01 * Gaussian.Next(random)],
            [0.01 * Gaussian.Next(random), 0.01 * Gaussian.Next(random)]);
        steps = 0;
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        var force = ActionReader.Continuous(action, ForceKey, 1);
        simulation.SetControls(force);
        simulation.Step(Substeps);
        steps++;
        done = steps >= MaxSteps;
        var q = simulation.Positions();
        var v = simulation.Velocities();
        var upright = (Math.Cos(q[1]) + 1) / 2;
        var centered = (1 + Tolerance.Gaussian(q[0], 2)) / 2;
        var smallControl = (4 + Tolerance.Quadratic(force[0], 1)) / 5;
        var smallVelocity = (1 + Tolerance.Gaussian(v[1], 5)) / 2;
        return new StepResult(Observe(), (float)(upright * centered * smallControl * smallVelocity), done);
    }

    FieldValues Observe()
    {
        var q = simulation.Positions();
        var v = simulation.Velocities();
        return new FieldValues()
            .SetContinuous(PositionKey, [(float)q[0], (float)Math.Cos(q[1]), (float)Math.Sin(q[1])])
            .SetContinuous(VelocityKey, [(float)v[0], (float)v[1]]);
    }

    public void Dispose() => simulation.Dispose();
}
