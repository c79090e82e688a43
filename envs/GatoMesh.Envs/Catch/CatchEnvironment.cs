using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// Catch: a ball falls one row per step down a 16x16 board; the agent moves a one-cell paddle on
/// the bottom row left, not at all, or right, and must be under the ball when it lands. Reward +1
/// for a catch, -1 for a miss, at the landing step (15 steps). Observation: the board rendered as
/// 64x64 RGB (4x4 pixels a cell, the 16 patches of a 64x64 image); action <c>move</c> in [0, 3).
/// The ball starts on the top row and the paddle anywhere, so every ball is catchable: a paddle
/// covers at most 15 columns in 15 steps.
/// </summary>
public sealed class CatchEnvironment : IEnvironment
{
    public const int Cells = 16;
    const int CellPixels = 4;
    public const int ImageSide = Cells * CellPixels;
    public const string PixelsKey = "pixels";
    public const string MoveKey = "move";

    static readonly byte[] BallColor = [240, 80, 60];
    static readonly byte[] PaddleColor = [70, 170, 240];

    int ballRow, ballColumn, paddleColumn;
    bool done = true;

    public EmbodimentSpec Spec { get; } = new("catch",
        [FieldSpec.Image(PixelsKey, ImageSide, ImageSide)],
        [FieldSpec.Discrete(MoveKey, [1], 0, 3)]);

    public int MaxSteps => Cells - 1;

    internal int BallColumn => ballColumn;
    internal int PaddleColumn => paddleColumn;

    public FieldValues Reset(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        ballRow = 0;
        ballColumn = random.NextInt(Cells);
        paddleColumn = random.NextInt(Cells);
        done = false;
        return Observe();
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        var move = ActionReader.Discrete(action, MoveKey, 3) - 1;
        paddleColumn = Math.Clamp(paddleColumn + move, 0, Cells - 1);
        ballRow++;
        var reward = 0f;
        if (ballRow == Cells - 1)
        {
            done = true;
            reward = ballColumn == paddleColumn ? 1f : -1f;
        }
        return new StepResult(Observe(), reward, done);
    }

    FieldValues Observe()
    {
        var pixels = new byte[ImageSide * ImageSide * 3];
        Paint(pixels, ballRow, ballColumn, BallColor);
        // Drawn last: a caught ball is hidden under the paddle, as in the original game.
        Paint(pixels, Cells - 1, paddleColumn, PaddleColor);
        return new FieldValues().SetImage(PixelsKey, pixels);
    }

    static void Paint(byte[] pixels, int row, int column, byte[] color)
    {
        for (var y = row * CellPixels; y < (row + 1) * CellPixels; y++)
            for (var x = column * CellPixels; x < (column + 1) * CellPixels; x++)
                color.CopyTo(pixels, (y * ImageSide + x) * 3);
    }

    public void Dispose() { }
}
