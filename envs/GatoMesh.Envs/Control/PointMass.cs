using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// dm_control's point_mass (easy) on our own MJCF (Control/Models/point_mass.xml): a mass that starts at rest
/// anywhere within 0.25 m of the origin on both axes must be brought to the origin and held there. Forces in
/// [-1, 1] (x 1 N) per axis at 50 Hz for 100 steps (2 s). Observation: <c>position</c> (x, y) and
/// <c>velocity</c>, as dm_control's. Reward 1 while the mass is within <see cref="TargetRadius"/> of the
/// origin, else 0 (the sparse form of dm_control's reward, as the reacher's).
/// </summary>
public sealed class PointMass : IEnvironment
{
    public const string PositionKey = "position", VelocityKey = "velocity", ForceKey = "force";
    public const double TargetRadius = 0.02;
    internal const int Substeps = 2;

    readonly MujocoSimulation simulation = MujocoSimulation.FromXml(ModelXml.Load("point_mass"));
    int steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new("point-mass",
        [FieldSpec.Continuous(PositionKey, 2), FieldSpec.Continuous(VelocityKey, 2)],
        [FieldSpec.Continuous(ForceKey, 2)]);

    public int MaxSteps => 100;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        simulation.Reset();
        simulation.SetState([0.25 * (2 * random.NextDouble() - 1), 0.25 * (2 * random.NextDouble() - 1)], [0, 0]);
        steps = 0;
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        simulation.SetControls(ActionReader.Continuous(action, ForceKey, 2));
        simulation.Step(Substeps);
        steps++;
        done = steps >= MaxSteps;
        var q = simulation.Positions();
        return new StepResult(Observe(), Math.Sqrt(q[0] * q[0] + q[1] * q[1]) <= TargetRadius ? 1f : 0f, done);
    }

    FieldValues Observe()
    {
        var q = simulation.Positions();
        var v = simulation.Velocities();
        return new FieldValues()
            .SetContinuous(PositionKey, [(float)q[0], (float)q[1]])
            .SetContinuous(VelocityKey, [(float)v[0], (float)v[1]]);
    }

    public void Dispose() => simulation.Dispose();
}

/// <summary>A PD controller toward the origin on each axis, clipped to the motors' range; reads only the
/// observation.</summary>
public sealed class PointMassExpert : IPolicy
{
    const double Stiffness = 12, Damping = 2.5;

    public void Reset(ulong seed) { }

    public ActionValues Act(FieldValues observation)
    {
        var position = observation.GetContinuous(PointMass.PositionKey);
        var velocity = observation.GetContinuous(PointMass.VelocityKey);
        var force = new float[2];
        for (var i = 0; i < 2; i++)
            force[i] = (float)Math.Clamp(-Stiffness * position[i] - Damping * velocity[i], -1, 1);
        return new ActionValues().SetContinuous(PointMass.ForceKey, force);
    }
}
