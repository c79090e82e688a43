using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>Moves the paddle toward the ball's column, read from the pixels like an agent would
/// (the ball's colour in any row above the paddle's).</summary>
public sealed class CatchExpert : IPolicy
{
    public void Reset(ulong seed) { }

    public ActionValues Act(FieldValues observation)
    {
        var pixels = observation.GetImage(CatchEnvironment.PixelsKey);
        var ball = ColumnOf(pixels, 0, CatchEnvironment.Cells - 1, red: true);
        var paddle = ColumnOf(pixels, CatchEnvironment.Cells - 1, CatchEnvironment.Cells, red: false);
        var move = ball < 0 || paddle < 0 ? 1 : 1 + Math.Sign(ball - paddle);
        return new ActionValues().SetDiscrete(CatchEnvironment.MoveKey, [move]);
    }

    /// <summary>The cell column whose top-left pixel is the ball's (red-dominant) or the paddle's
    /// (blue-dominant) colour within rows <c>[fromRow, toRow)</c>, or -1.</summary>
    static int ColumnOf(byte[] pixels, int fromRow, int toRow, bool red)
    {
        const int cellPixels = CatchEnvironment.ImageSide / CatchEnvironment.Cells;
        for (var row = fromRow; row < toRow; row++)
            for (var column = 0; column < CatchEnvironment.Cells; column++)
            {
                var i = (row * cellPixels * CatchEnvironment.ImageSide + column * cellPixels) * 3;
                if (red ? pixels[i] > pixels[i + 2] : pixels[i + 2] > pixels[i])
                    return column;
            }
        return -1;
    }
}
