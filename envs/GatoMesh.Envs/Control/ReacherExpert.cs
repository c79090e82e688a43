using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// Analytic inverse kinematics of the two-link arm to the target (the elbow branch the arm is
/// already on), then a joint-space PD controller toward those angles, clipped to the motors'
/// range. Reads only the observation: with equal links the elbow angle E that reaches distance r
/// has <c>cos E = (r^2 - 2 l^2) / (2 l^2)</c>, and the upper arm must then point E / 2 short of the
/// target, so the shoulder's error is the target's bearing from the upper arm minus E / 2.
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
        double elbow = joints[1], distance = target[0], bearing = target[1];
        const double l = Reacher.LinkLength;
        var cosElbow = Math.Clamp((distance * distance - 2 * l * l) / (2 * l * l), -1, 1);
        var goalElbow = Math.Acos(cosElbow) * (elbow >= 0 ? 1 : -1);
        var torque = new float[2];
        // The short way round: the shoulder turns freely.
        torque[0] = (float)Math.Clamp(Stiffness * Reacher.Wrap(bearing - goalElbow / 2) - Damping * velocity[0], -1, 1);
        torque[1] = (float)Math.Clamp(Stiffness * (goalElbow - elbow) - Damping * velocity[1], -1, 1);
        return new ActionValues().SetContinuous(Reacher.TorqueKey, torque);
    }
}
