using System.Globalization;
using GatoMesh.Model;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Eval;

/// <summary>
/// The loss curve as a PNG (<c>loss.png</c> of a run): the overall loss and each task's, smoothed as the HTML report
/// smooths them (<see cref="LossSmoothing"/>), the raw overall loss faint behind them, labelled axes ("step",
/// "loss (nats)") with five ticks each, and a legend of the tasks' colours. Drawn with <see cref="PixelFont"/> and
/// encoded by <see cref="PngWriter"/>, so no image library is needed.
/// </summary>
public static class LossCurvePng
{
    public const int Width = 880, Height = 480;
    const int Left = 80, Right = 200, Top = 36, Bottom = 56, Scale = 2;

    public static void Write(string path, LossHistory curves)
    {
        var png = PngWriter.Encode(Render(curves), Width, Height);
        AtomicFile.Write(path, stream => stream.Write(png));
    }

    /// <summary>The plot as RGB bytes, row-major <c>[Height, Width, 3]</c>.</summary>
    public static byte[] Render(LossHistory curves)
    {
        var image = new Canvas(Width, Height);
        int x0 = Left, x1 = Width - Right, y0 = Height - Bottom, y1 = Top;
        var steps = Math.Max(1, curves.Losses.Count - 1);
        var overall = LossSmoothing.Smooth(curves.Losses);
        var tasks = curves.TaskLosses.Select(p => (p.Key, Points: LossSmoothing.Smooth(p.Value))).ToList();
        var shown = overall.Select(p => p.Loss).Concat(tasks.SelectMany(t => t.Points.Select(p => p.Loss))).ToList();
        double lo = shown.Count > 0 ? Math.Min(0, shown.Min()) : 0, hi = shown.Count > 0 ? shown.Max() * 1.05 : 1;
        if (hi - lo < 1e-12) hi = lo + 1;

        int X(int step) => x0 + (int)Math.Round((double)(x1 - x0) * step / steps);
        int Y(double loss) => y0 - (int)Math.Round((y0 - y1) * (Math.Clamp(loss, lo, hi) - lo) / (hi - lo));

        image.Text($"training loss, smoothed over {LossSmoothing.Span(curves.Losses.Count)} steps", x0, 4, Black);
        image.Line(x0, y0, x1, y0, Black);
        image.Line(x0, y0, x0, y1, Black);
        for (var i = 0; i <= 4; i++)
        {
            var x = x0 + (x1 - x0) * i / 4;
            var y = y0 + (y1 - y0) * i / 4;
            image.Line(x, y0, x, y0 + 4, Black);
            image.Line(x0 - 4, y, x0, y, Black);
            var stepLabel = (steps * i / 4).ToString(CultureInfo.InvariantCulture);
            image.Text(stepLabel, x - PixelFont.Width(stepLabel, Scale) / 2, y0 + 10, Black);
            var lossLabel = (lo + (hi - lo) * i / 4).ToString("0.00", CultureInfo.InvariantCulture);
            image.Text(lossLabel, x0 - 8 - PixelFont.Width(lossLabel, Scale), y - Scale * 2, Black);
        }
        image.Text("step", (x0 + x1) / 2 - PixelFont.Width("step", Scale) / 2, y0 + 30, Black);
        image.Text("loss (nats)", 4, y1 - 14, Black);

        for (var i = 0; i < curves.Losses.Count; i++)
            if (double.IsFinite(curves.Losses[i])) image.Set(X(i), Y(curves.Losses[i]), Faint);
        for (var t = 0; t < tasks.Count; t++)
            image.Polyline(tasks[t].Points.Select(p => (X(p.Step), Y(p.Loss))), SeriesColors.Of(t));
        image.Polyline(overall.Select(p => (X(p.Step), Y(p.Loss))), Black, thick: true);

        var legendY = y1;
        image.Line(x1 + 16, legendY + 4, x1 + 36, legendY + 4, Black);
        image.Line(x1 + 16, legendY + 5, x1 + 36, legendY + 5, Black);
        image.Text("all tasks", x1 + 42, legendY, Black);
        for (var t = 0; t < tasks.Count; t++)
        {
            legendY += 18;
            image.Line(x1 + 16, legendY + 4, x1 + 36, legendY + 4, SeriesColors.Of(t));
            image.Text(tasks[t].Key, x1 + 42, legendY, Black);
        }
        return image.Pixels;
    }

    static readonly (byte R, byte G, byte B) Black = (0, 0, 0), Faint = (200, 200, 200);

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

        public void Polyline(IEnumerable<(int X, int Y)> points, (byte, byte, byte) c, bool thick = false)
        {
            (int X, int Y)? previous = null;
            foreach (var point in points)
            {
                if (previous is { } p)
                {
                    Line(p.X, p.Y, point.X, point.Y, c);
                    if (thick) Line(p.X, p.Y + 1, point.X, point.Y + 1, c);
                }
                previous = point;
            }
        }

        public void Text(string text, int x, int y, (byte, byte, byte) c)
        {
            foreach (var ch in text)
            {
                for (var r = 0; r < PixelFont.GlyphHeight; r++)
                    for (var col = 0; col < PixelFont.GlyphWidth; col++)
                        if (PixelFont.Covers(ch, col, r))
                            for (var dy = 0; dy < Scale; dy++)
                                for (var dx = 0; dx < Scale; dx++)
                                    Set(x + col * Scale + dx, y + r * Scale + dy, c);
                x += PixelFont.Advance * Scale;
            }
        }
    }
}
