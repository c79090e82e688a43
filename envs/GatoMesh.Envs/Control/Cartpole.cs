using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// dm_control's cartpole on our own MJCF (Control/Models/cartpole.xml), in its two starts:
/// <see cref="CartpoleStart.SwingUp"/>, the pole hanging down with a little noise (cartpole.swingup), and
/// <see cref="CartpoleStart.Balance"/>, the pole near upright and the cart anywhere within 0.1 m
/// (cartpole.balance: angle uniform in +-0.034 rad). The agent pushes the cart with a force in
/// [-1, 1] (x 10 N) at 50 Hz for 200 steps (4 s). Observation: <c>position</c> = (cart x,
/// cos angle, sin angle), <c>velocity</c> = (cart velocity, angular velocity), angle 0 upright.
/// Reward per step, smooth and in [0, 1], as dm_control: upright <c>(cos + 1) / 2</c> times
/// centred <c>(1 + tol(x, 2)) / 2</c> times small control <c>(4 + tolq(u, 1)) / 5</c> times small
/// angular velocity <c>(1 + tol(w, 5)) / 2</c>. Both starts share the spec's fields, so one policy
/// (swing up, then balance) serves both, as in the paper's DM Control suite.
/// </summary>
public sealed class Cartpole(CartpoleStart start) : IEnvironment
{
    public const string PositionKey = "position", VelocityKey = "velocity", ForceKey = "force";
    internal const int Substeps = 2;

    readonly MujocoSimulation simulation = MujocoSimulation.FromXml(ModelXml.Load("cartpole"));
    int steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new(start == CartpoleStart.SwingUp ? "cartpole-swingup" : "cartpole-balance",
        [FieldSpec.Continuous(PositionKey, 3), FieldSpec.Continuous(VelocityKey, 2)],
        [FieldSpec.Continuous(ForceKey, 1)]);

    public int MaxSteps => 200;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        simulation.Reset();
        double[] positions = start == CartpoleStart.SwingUp
            ? [0.01 * Gaussian.Next(random), Math.PI + 0.01 * Gaussian.Next(random)]
            : [0.1 * (2 * random.NextDouble() - 1), 0.034 * (2 * random.NextDouble() - 1)];
        simulation.SetState(positions, [0.01 * Gaussian.Next(random), 0.01 * Gaussian.Next(random)]);
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

/// <summary>Where a <see cref="Cartpole"/> episode starts: hanging down (swing-up) or near upright (balance).</summary>
public enum CartpoleStart { SwingUp, Balance }
