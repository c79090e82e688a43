using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Tokens;

namespace GatoMesh.Fleet;

/// <summary>
/// The fleet's built-in load task (docs/FLEET.md, "The synthetic task"): a point mass on the unit
/// square pushed toward a target. It exercises every observation kind a robot sends, so a fleet of
/// it loads the serving path as a fleet of real robots would, at a cost of microseconds a step:
/// <list type="bullet">
/// <item><c>camera</c>: 32x32 RGB (4 patches): a background tinted by the mode, the mass as a 4x4
/// white square, the target as a 4x4 red square;</item>
/// <item><c>state</c>: continuous [6]: position x, y, velocity x, y, target x, y;</item>
/// <item><c>mode</c>: discrete [1] in [0, 4): the quadrant the target lies in, seen from the mass;</item>
/// <item>action <c>force</c>: continuous [2] in [-1, 1], added to the velocity.</item>
/// </list>
/// Reward is minus the distance to the target; an episode ends on reaching it (within
/// <see cref="ReachRadius"/>) or after <see cref="MaxSteps"/> steps. Everything is a function of the
/// seed and the actions: the same seed and actions give the same episode, bit for bit.
/// </summary>
public sealed class SyntheticTask : IEnvironment
{
    public const string Name = "synthetic";
    public const string CameraKey = "camera";
    public const string StateKey = "state";
    public const string ModeKey = "mode";
    public const string ForceKey = "force";
    public const int ImageSide = 32;
    public const float ReachRadius = 0.05f;

    const int MarkSide = 4;
    const float Damping = 0.9f;
    const float ForceGain = 0.02f;

    float x, y, vx, vy, targetX, targetY;
    int steps;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new(Name,
        [
            FieldSpec.Image(CameraKey, ImageSide, ImageSide),
            FieldSpec.Continuous(StateKey, 6),
            FieldSpec.Discrete(ModeKey, [1], 0, 4),
        ],
        [FieldSpec.Continuous(ForceKey, 2)]);

    public int MaxSteps => 200;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        x = (float)random.NextDouble();
        y = (float)random.NextDouble();
        targetX = (float)random.NextDouble();
        targetY = (float)random.NextDouble();
        vx = vy = 0;
        steps = 0;
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        var force = action.GetContinuous(ForceKey);
        if (force.Length != 2)
            throw new ShapeMismatchException(ForceKey, $"{force.Length} elements", "2 elements");
        vx = Damping * vx + ForceGain * Actuate(force, 0);
        vy = Damping * vy + ForceGain * Actuate(force, 1);
        x = Math.Clamp(x + vx, 0f, 1f);
        y = Math.Clamp(y + vy, 0f, 1f);
        steps++;
        var distance = MathF.Sqrt((targetX - x) * (targetX - x) + (targetY - y) * (targetY - y));
        done = distance < ReachRadius || steps >= MaxSteps;
        return new StepResult(Observe(), -distance, done);
    }

    // IEnvironment's contract: NaN is an error naming the field; other values clip to the actuator's range.
    static float Actuate(float[] force, int index) => float.IsFinite(force[index])
        ? Math.Clamp(force[index], -1f, 1f)
        : throw new InvalidValueException($"{ForceKey}[{index}]", force[index].ToString(), "must be finite");

    int Mode => (targetX >= x ? 1 : 0) + (targetY >= y ? 2 : 0);

    FieldValues Observe()
    {
        var mode = Mode;
        var pixels = new byte[ImageSide * ImageSide * 3];
        byte[] background = [(byte)(40 + 50 * mode), 40, (byte)(200 - 50 * mode)];
        for (var i = 0; i < pixels.Length; i += 3)
            background.CopyTo(pixels, i);
        Mark(pixels, targetX, targetY, [230, 40, 40]);
        Mark(pixels, x, y, [255, 255, 255]);
        return new FieldValues()
            .SetImage(CameraKey, pixels)
            .SetContinuous(StateKey, [x, y, vx, vy, targetX, targetY])
            .SetDiscrete(ModeKey, [mode]);
    }

    static void Mark(byte[] pixels, float at, float down, byte[] color)
    {
        var left = (int)(at * (ImageSide - MarkSide));
        var top = (int)(down * (ImageSide - MarkSide));
        for (var row = top; row < top + MarkSide; row++)
            for (var column = left; column < left + MarkSide; column++)
                color.CopyTo(pixels, (row * ImageSide + column) * 3);
    }

    public void Dispose() { }
}
