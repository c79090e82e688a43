namespace GatoMesh.Envs;

/// <summary>
/// Draws a <see cref="GridRoom"/> as a 64x64 RGB image (uint8 HWC): 8x8 cells of 8 pixels, the
/// outer ring grey wall, the floor black; a ball is a disc, a key a ring with a shaft, a box a
/// hollow square, each in its colour; the agent, when drawn, a white triangle pointing its way.
/// </summary>
public static class GridRenderer
{
    const int CellPixels = 8;
    public const int Cells = GridRoom.Side + 2;
    public const int Side = Cells * CellPixels;

    static readonly byte[] Wall = [100, 100, 100];
    static readonly byte[] White = [255, 255, 255];

    public static byte[] ColorOf(ObjectColor color) => color switch
    {
        ObjectColor.Red => [255, 0, 0],
        ObjectColor.Green => [0, 255, 0],
        ObjectColor.Blue => [0, 0, 255],
        ObjectColor.Purple => [112, 39, 195],
        ObjectColor.Yellow => [255, 255, 0],
        _ => [180, 180, 180],
    };

    public static byte[] Render(GridRoom room, bool drawAgent)
    {
        var pixels = new byte[Side * Side * 3];
        for (var cy = 0; cy < Cells; cy++)
            for (var cx = 0; cx < Cells; cx++)
                if (cx == 0 || cy == 0 || cx == Cells - 1 || cy == Cells - 1)
                    FillCell(pixels, cx, cy, (_, _) => true, Wall);
        foreach (var o in room.Objects)
            FillCell(pixels, o.X + 1, o.Y + 1, Shape(o.Type), ColorOf(o.Color));
        if (drawAgent)
        {
            var direction = room.Direction;
            FillCell(pixels, room.AgentX + 1, room.AgentY + 1, (x, y) => InTriangle(x, y, direction), White);
        }
        return pixels;
    }

    /// <summary>Which of a cell's 8x8 pixels (x, y in [0, 8), centre 3.5) a type covers.</summary>
    static Func<int, int, bool> Shape(ObjectType type) => type switch
    {
        ObjectType.Ball => (x, y) => (x - 3.5) * (x - 3.5) + (y - 3.5) * (y - 3.5) <= 9,
        ObjectType.Key => (x, y) => (y <= 3 && Math.Abs((x - 3.5) * (x - 3.5) + (y - 2) * (y - 2) - 3) <= 2.5) || (y >= 3 && y <= 7 && x is 3 or 4) || (y == 6 && x == 5),
        _ => (x, y) => x is >= 1 and <= 6 && y is >= 1 and <= 6 && (x is 1 or 6 || y is 1 or 6),
    };

    static bool InTriangle(int x, int y, int direction)
    {
        // Pointing east, then rotated by the direction (0 east, 1 south, 2 west, 3 north).
        var (u, v) = direction switch { 0 => (x, y), 1 => (y, 7 - x), 2 => (7 - x, 7 - y), _ => (7 - y, x) };
        return u >= 1 && u <= 6 && Math.Abs(v - 3.5) <= (6 - u) * 0.6 + 0.5;
    }

    static void FillCell(byte[] pixels, int cx, int cy, Func<int, int, bool> covers, byte[] color)
    {
        for (var y = 0; y < CellPixels; y++)
            for (var x = 0; x < CellPixels; x++)
                if (covers(x, y))
                    color.CopyTo(pixels, ((cy * CellPixels + y) * Side + cx * CellPixels + x) * 3);
    }
}
