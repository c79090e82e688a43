using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// Analytic inverse kinematics of the two-link arm to the target (the elbow branch the arm is
/// already on), then a joint-space PD controller toward those angles, clipped to the motors'
/// range. Reads only the observation.
/// </summary>
public sealed class ReacherExpert : IPolicy
{
    const double Stiffness = 3, Damping = 0.35;

    public void Reset(ulong seed) { }

    public ActionValues Act(FieldValues observation)
    {
        var joints = observation.GetContinuous(Reacher.JointsKey);
        var target = observation.GetContinuous(Reacher.TargetKey);
        var velocity = observation.GetContinuous(Reacher.VelocityKey);
        var shoulder = Math.Atan2(joints[1], joints[0]);
        var elbow = Math.Atan2(joints[3], joints[2]);
        const double l = Reacher.LinkLength;
        var r2 = (double)target[0] * target[0] + (double)target[1] * target[1];
        var cosElbow = Math.Clamp((r2 - 2 * l * l) / (2 * l * l), -1, 1);
        var goalElbow = Math.Acos(cosElbow) * (elbow >= 0 ? 1 : -1);
        var goalShoulder = Math.Atan2(target[1], target[0]) - Math.Atan2(l * Math.Sin(goalElbow), l + l * Math.Cos(goalElbow));
        var torque = new float[2];
        torque[0] = (float)Math.Clamp(Stiffness * Wrap(goalShoulder - shoulder) - Damping * velocity[0], -1, 1);
        torque[1] = (float)Math.Clamp(Stiffness * (goalElbow - elbow) - Damping * velocity[1], -1, 1);
        return new ActionValues().SetContinuous(Reacher.TorqueKey, torque);
    }

    /// <summary>The same angle in (-pi, pi]: the shoulder turns freely, so go the short way round.</summary>
    static double Wrap(double angle) => Math.IEEERemainder(angle, 2 * Math.PI);
}
