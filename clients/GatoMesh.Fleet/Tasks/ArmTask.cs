using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Tokens;

namespace GatoMesh.Fleet;

/// <summary>
/// A 7-DoF arm load task, the shape of a real manipulator's policy call: a planar chain of seven
/// revolute joints driven toward a target pose.
/// <list type="bullet">
/// <item><c>camera</c>: 32x32 RGB (4 patches): the chain drawn as white joints on grey, the target's
/// end effector as a red mark;</item>
/// <item><c>joints</c>: continuous [7], the joint angles in [-1, 1] (times pi/2 radians);</item>
/// <item>action <c>velocity</c>: continuous [7] in [-1, 1], a joint velocity command.</item>
/// </list>
/// Twelve observation tokens and seven action tokens a step, so a policy server decodes seven tokens
/// one after another per step: the decode-bound case. Reward is minus the joint-space distance to the
/// target; an episode ends within <see cref="ReachRadius"/> of it or after <see cref="MaxSteps"/>
/// steps. Everything is a function of the seed and the actions.
/// </summary>
public sealed class ArmTask : IEnvironment
{
    public const string Name = "arm7";
    public const string CameraKey = "camera";
    public const string JointsKey = "joints";
    public const string VelocityKey = "velocity";
    public const int Joints = 7;
    public const int ImageSide = 32;
    public const float ReachRadius = 0.1f;

    const float Gain = 0.05f;

    readonly float[] angles = new float[Joints];
    readonly float[] target = new float[Joints];
    int steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new(Name,
        [FieldSpec.Image(CameraKey, ImageSide, ImageSide), FieldSpec.Continuous(JointsKey, Joints)],
        [FieldSpec.Continuous(VelocityKey, Joints)]);

    public int MaxSteps => 200;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        for (var j = 0; j < Joints; j++)
        {
            angles[j] = (float)(random.NextDouble() * 2 - 1);
            target[j] = (float)(random.NextDouble() * 2 - 1);
        }
        steps = 0;
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        var velocity = action.GetContinuous(VelocityKey);
        if (velocity.Length != Joints)
            throw new ShapeMismatchException(VelocityKey, $"{velocity.Length} elements", $"{Joints} elements");
        var distance = 0f;
        for (var j = 0; j < Joints; j++)
        {
            if (!float.IsFinite(velocity[j]))
                throw new InvalidValueException($"{VelocityKey}[{j}]", velocity[j].ToString(), "must be finite");
            angles[j] = Math.Clamp(angles[j] + Gain * Math.Clamp(velocity[j], -1f, 1f), -1f, 1f);
            distance += (angles[j] - target[j]) * (angles[j] - target[j]);
        }
        distance = MathF.Sqrt(distance);
        steps++;
        done = distance < ReachRadius || steps >= MaxSteps;
        return new StepResult(Observe(), -distance, done);
    }

    FieldValues Observe()
    {
        var pixels = new byte[ImageSide * ImageSide * 3];
        Array.Fill(pixels, (byte)60);
        Draw(pixels, target, [230, 40, 40], endOnly: true);
        Draw(pixels, angles, [255, 255, 255], endOnly: false);
        return new FieldValues().SetImage(CameraKey, pixels).SetContinuous(JointsKey, [.. angles]);
    }

    /// <summary>The chain from the image's bottom centre, each link 1/8 of the side, each joint adding its angle.</summary>
    static void Draw(byte[] pixels, float[] pose, byte[] color, bool endOnly)
    {
        double x = ImageSide / 2.0, y = ImageSide - 1, heading = -Math.PI / 2;
        for (var j = 0; j < Joints; j++)
        {
            heading += pose[j] * Math.PI / 2;
            x += ImageSide / 8.0 * Math.Cos(heading);
            y += ImageSide / 8.0 * Math.Sin(heading);
            if (!endOnly || j == Joints - 1)
                Mark(pixels, x, y, color);
        }
    }

    static void Mark(byte[] pixels, double x, double y, byte[] color)
    {
        for (var row = (int)y - 1; row <= (int)y + 1; row++)
            for (var column = (int)x - 1; column <= (int)x + 1; column++)
                if (row >= 0 && row < ImageSide && column >= 0 && column < ImageSide)
                    color.CopyTo(pixels, (row * ImageSide + column) * 3);
    }

    public void Dispose() { }
}
