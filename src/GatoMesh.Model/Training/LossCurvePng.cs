using System.Globalization;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>
/// Draws the loss per step as a PNG: white background, black axes with five ticks each, the step
/// range under the x axis and the loss range beside the y axis (a 3x5 pixel font, so no font
/// library is needed), and the curve in blue. Non-finite losses are left out of the curve.
/// </summary>
internal static class LossCurvePng
{
    public const int Width = 640, Height = 400;
    const int Left = 70, Right = 20, Top = 20, Bottom = 40, Scale = 2;

    public static void Write(string path, IReadOnlyList<double> losses)
    {
        var png = PngWriter.Encode(Render(losses), Width, Height);
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>The plot as RGB bytes, row-major <c>[Height, Width, 3]</c>.</summary>
    public static byte[] Render(IReadOnlyList<double> losses)
    {
        var image = new Canvas(Width, Height);
        int x0 = Left, x1 = Width - Right, y0 = Height - Bottom, y1 = Top;
        image.Line(x0, y0, x1, y0, Black);
        image.Line(x0, y0, x0, y1, Black);
        for (var i = 0; i <= 4; i++)
        {
            var x = x0 + (x1 - x0) * i / 4;
            var y = y0 + (y1 - y0) * i / 4;
            image.Line(x, y0, x, y0 + 4, Black);
            image.Line(x0 - 4, y, x0, y, Black);
        }

        var finite = losses.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return image.Pixels;
        double lo = finite.Min(), hi = finite.Max();
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        image.Text(Label(hi), 4, y1 - 2, Black);
        image.Text(Label(lo), 4, y0 - 2 * Scale, Black);
        image.Text("0", x0 - 2, y0 + 10, Black);
        var last = losses.Count.ToString(CultureInfo.InvariantCulture);
        image.Text(last, x1 - last.Length * 4 * Scale, y0 + 10, Black);

        int PlotX(int step) => x0 + (int)Math.Round((double)(x1 - x0) * step / Math.Max(1, losses.Count - 1));
        int PlotY(double loss) => y0 - (int)Math.Round((y0 - y1) * (loss - lo) / (hi - lo));
        (int X, int Y)? previous = null;
        for (var i = 0; i < losses.Count; i++)
        {
            if (!double.IsFinite(losses[i])) { previous = null; continue; }
            var point = (PlotX(i), PlotY(losses[i]));
            if (previous is { } p) image.Line(p.X, p.Y, point.Item1, point.Item2, Blue);
            else image.Set(point.Item1, point.Item2, Blue);
            previous = point;
        }
        return image.Pixels;
    }

    static string Label(double value) => value.ToString(Math.Abs(value) is >= 0.01 and < 10000 ? "0.###" : "0.##e0", CultureInfo.InvariantCulture);

    static readonly (byte R, byte G, byte B) Black = (0, 0, 0), Blue = (31, 90, 200);

    sealed class Canvas(int width, int height)
    {
        public byte[] Pixels { get; } = Enumerable.Repeat((byte)255, width * height * 3).ToArray();

        public void Set(int x, int y, (byte R, byte G, byte B) c)
        {
            if ((uint)x >= (uint)width || (uint)y >= (uint)height) return;
            var i = (y * width + x) * 3;
            Pixels[i] = c.R;
            Pixels[i + 1] = c.G;
            Pixels[i + 2] = c.B;
        }

        /// <summary>Bresenham's line, endpoints included.</summary>
        public void Line(int xa, int ya, int xb, int yb, (byte, byte, byte) c)
        {
            int dx = Math.Abs(xb - xa), dy = -Math.Abs(yb - ya), sx = xa < xb ? 1 : -1, sy = ya < yb ? 1 : -1, err = dx + dy;
            while (true)
            {
                Set(xa, ya, c);
                if (xa == xb && ya == yb) return;
                var e2 = 2 * err;
                if (e2 >= dy) { err += dy; xa += sx; }
                if (e2 <= dx) { err += dx; ya += sy; }
            }
        }

        public void Text(string text, int x, int y, (byte, byte, byte) c)
        {
            foreach (var ch in text)
            {
                if (Glyphs.TryGetValue(ch, out var rows))
                    for (var r = 0; r < 5; r++)
                        for (var col = 0; col < 3; col++)
                            if ((rows[r] >> (2 - col) & 1) != 0)
                                for (var dy = 0; dy < Scale; dy++)
                                    for (var dx = 0; dx < Scale; dx++)
                                        Set(x + col * Scale + dx, y + r * Scale + dy, c);
                x += 4 * Scale;
            }
        }
    }

    /// <summary>3x5 glyphs, one 3-bit row each (most significant bit on the left).</summary>
    static readonly Dictionary<char, int[]> Glyphs = new()
    {
        ['0'] = [7, 5, 5, 5, 7], ['1'] = [2, 6, 2, 2, 7], ['2'] = [7, 1, 7, 4, 7], ['3'] = [7, 1, 7, 1, 7],
        ['4'] = [5, 5, 7, 1, 1], ['5'] = [7, 4, 7, 1, 7], ['6'] = [7, 4, 7, 5, 7], ['7'] = [7, 1, 1, 1, 1],
        ['8'] = [7, 5, 7, 5, 7], ['9'] = [7, 5, 7, 1, 7], ['.'] = [0, 0, 0, 0, 2], ['-'] = [0, 0, 7, 0, 0],
        ['e'] = [0, 7, 7, 4, 7],
    };
}
