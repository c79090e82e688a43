using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// A planar two-link reacher (dm_control's reacher on our own MJCF, Control/Models/reacher.xml):
/// bring the fingertip to a target drawn anywhere the arm can reach (0.05 to 0.20 m from the
/// shoulder). Torques in [-1, 1] (x 0.05 N m) at 50 Hz for 100 steps (2 s). Observation:
/// <c>joints</c> = the shoulder's angle (wrapped to (-pi, pi]) and the elbow's, in radians (dm_control's
/// joint positions); <c>target</c> = the target as the arm sees it: its distance from the shoulder and
/// its bearing from the upper arm's direction, in (-pi, pi]; <c>to_target</c> = target minus fingertip
/// in the room's frame; <c>velocity</c> = the joints' angular velocities. The target is egocentric for
/// the reason the grid world's view is (docs/ENVS.md, "Reacher"): the torques depend on where the
/// target lies from the arm, and a room-frame target would leave the model to subtract angles first.
/// Reward 1 while the fingertip is within <see cref="TargetRadius"/> of the target, else 0
/// (dm_control's sparse reacher reward).
/// </summary>
public sealed class Reacher : IEnvironment
{
    public const string JointsKey = "joints", TargetKey = "target", ToTargetKey = "to_target", VelocityKey = "velocity", TorqueKey = "torque";
    public const double LinkLength = 0.12, TargetRadius = 0.03;
    internal const int Substeps = 2;

    readonly MujocoSimulation simulation = MujocoSimulation.FromXml(ModelXml.Load("reacher"));
    double targetX, targetY;
    int steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new("reacher",
        [
            FieldSpec.Continuous(JointsKey, 2), FieldSpec.Continuous(TargetKey, 2),
            FieldSpec.Continuous(ToTargetKey, 2), FieldSpec.Continuous(VelocityKey, 2),
        ],
        [FieldSpec.Continuous(TorqueKey, 2)]);

    public int MaxSteps => 100;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        simulation.Reset();
        simulation.SetState([Math.PI * (2 * random.NextDouble() - 1), 2.5 * (2 * random.NextDouble() - 1)], [0, 0]);
        var angle = 2 * Math.PI * random.NextDouble();
        var radius = 0.05 + 0.15 * random.NextDouble();
        (targetX, targetY) = (radius * Math.Cos(angle), radius * Math.Sin(angle));
        steps = 0;
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        simulation.SetControls(ActionReader.Continuous(action, TorqueKey, 2));
        simulation.Step(Substeps);
        steps++;
        done = steps >= MaxSteps;
        var tip = simulation.Sensors();
        var distance = Math.Sqrt((targetX - tip[0]) * (targetX - tip[0]) + (targetY - tip[1]) * (targetY - tip[1]));
        return new StepResult(Observe(), distance <= TargetRadius ? 1f : 0f, done);
    }

    FieldValues Observe()
    {
        var q = simulation.Positions();
        var v = simulation.Velocities();
        var tip = simulation.Sensors();
        return new FieldValues()
            .SetContinuous(JointsKey, [(float)Wrap(q[0]), (float)q[1]])
            .SetContinuous(TargetKey, [(float)Math.Sqrt(targetX * targetX + targetY * targetY), (float)Wrap(Math.Atan2(targetY, targetX) - q[0])])
            .SetContinuous(ToTargetKey, [(float)(targetX - tip[0]), (float)(targetY - tip[1])])
            .SetContinuous(VelocityKey, [(float)v[0], (float)v[1]]);
    }

    /// <summary>The same angle in (-pi, pi]: the shoulder turns freely, so its angle grows without bound.</summary>
    internal static double Wrap(double angle)
    {
        var wrapped = Math.IEEERemainder(angle, 2 * Math.PI);
        return wrapped <= -Math.PI ? wrapped + 2 * Math.PI : wrapped;
    }

    public void Dispose() => simulation.Dispose();
}
