using System.Globalization;
using System.Text;
using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Grains;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>
/// One filmstrip frame of an episode as a small picture: a task seen as pixels (Catch, pixel go-to, captioning)
/// shows its observation image; the grid world draws its egocentric view (the agent in the middle, facing up) with
/// the mission; cartpole, reacher and the point mass are drawn from the state their observation holds.
/// </summary>
internal static class FrameDrawing
{
    const int Size = 112;

    public static string Draw(EnvironmentTask task, EmbodimentSpec spec, EpisodeFrame frame)
    {
        if (spec.Observation.FirstOrDefault(f => f.Kind == FieldKind.Image) is { } image)
            return Image(frame.Observation.GetImage(image.Key), image.Shape[0], image.Shape[1]) + Caption(task, frame);
        return task.Name switch
        {
            "gridworld" => Grid(frame.Observation),
            "cartpole-swingup" or "cartpole-balance" => Cartpole(frame.Observation),
            "reacher" => Reacher(frame.Observation),
            "point-mass" => PointMassFrame(frame.Observation),
            _ => $"<pre>{SvgChart.Escape(string.Join(", ", frame.Observation.Keys))}</pre>",
        };
    }

    static string Image(byte[] hwc, int height, int width)
    {
        var png = PngWriter.Encode(hwc, width, height);
        return $"<img width=\"{Size}\" height=\"{Size}\" style=\"image-rendering:pixelated\" alt=\"observation\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/>";
    }

    /// <summary>A caption frame also says what the model wrote.</summary>
    static string Caption(EnvironmentTask task, EpisodeFrame frame) =>
        task.Name == "caption" && frame.Action.Keys.Contains(CaptionEnvironment.CaptionKey)
            ? $"<div class=\"said\">\u201c{SvgChart.Escape(CaptionWords.Text(frame.Action.GetDiscrete(CaptionEnvironment.CaptionKey)))}\u201d</div>"
            : "";

    static string Grid(FieldValues observation)
    {
        var cells = observation.GetDiscrete(GridWorldEnvironment.GridKey);
        const int side = 11, cell = Size / side;
        var svg = new StringBuilder($"<svg width=\"{cell * side}\" height=\"{cell * side}\" viewBox=\"0 0 {cell * side} {cell * side}\">");
        for (var r = 0; r < side; r++)
            for (var c = 0; c < side; c++)
            {
                var id = cells[r * side + c];
                var fill = id switch { 0 => "#111", 1 => "#777", _ => Css(GridRenderer.ColorOf((ObjectColor)((id - 2) % 6 + 1))) };
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{c * cell}\" y=\"{r * cell}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\"/>");
                if (id >= 2)
                {
                    var type = "BKX"[(id - 2) / 6];
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{c * cell + cell / 2}\" y=\"{r * cell + cell - 2}\" font-size=\"{cell - 2}\" text-anchor=\"middle\" fill=\"black\">{type}</text>");
                }
            }
        var m = 5 * cell;
        svg.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{m + cell / 2},{m + 1} {m + 1},{m + cell - 1} {m + cell - 1},{m + cell - 1}\" fill=\"white\"/>");
        svg.Append("</svg>");
        return svg + $"<div class=\"said\">{SvgChart.Escape(observation.GetText(GridWorldEnvironment.MissionKey))}</div>";
    }

    static string Cartpole(FieldValues observation)
    {
        var p = observation.GetContinuous(Envs.Cartpole.PositionKey);
        double x = p[0], cos = p[1], sin = p[2];
        const double scale = Size / 5.0;   // 5 m of track across the frame
        var cx = Size / 2 + x * scale;
        var cy = Size * 0.62;
        var tipX = cx + sin * scale;
        var tipY = cy - cos * scale;
        return Svg($"<line x1=\"0\" y1=\"{F(cy + 6)}\" x2=\"{Size}\" y2=\"{F(cy + 6)}\" stroke=\"#999\"/>" +
                   $"<rect x=\"{F(cx - 10)}\" y=\"{F(cy - 5)}\" width=\"20\" height=\"10\" fill=\"#4c78a8\"/>" +
                   $"<line x1=\"{F(cx)}\" y1=\"{F(cy)}\" x2=\"{F(tipX)}\" y2=\"{F(tipY)}\" stroke=\"#d62728\" stroke-width=\"4\" stroke-linecap=\"round\"/>");
    }

    static string Reacher(FieldValues observation)
    {
        var joints = observation.GetContinuous(Envs.Reacher.JointsKey);
        var target = observation.GetContinuous(Envs.Reacher.TargetKey);
        const double scale = Size / 0.55;   // the arm reaches 0.24 m
        double ox = Size / 2.0, oy = Size / 2.0, l = Envs.Reacher.LinkLength;
        double shoulder = joints[0], elbow = joints[1];
        var ex = ox + l * Math.Cos(shoulder) * scale;
        var ey = oy - l * Math.Sin(shoulder) * scale;
        var hx = ex + l * Math.Cos(shoulder + elbow) * scale;
        var hy = ey - l * Math.Sin(shoulder + elbow) * scale;
        var tx = ox + target[0] * Math.Cos(shoulder + target[1]) * scale;
        var ty = oy - target[0] * Math.Sin(shoulder + target[1]) * scale;
        return Svg($"<circle cx=\"{F(tx)}\" cy=\"{F(ty)}\" r=\"{F(Envs.Reacher.TargetRadius * scale)}\" fill=\"#2ca02c\" fill-opacity=\"0.5\"/>" +
                   $"<polyline points=\"{F(ox)},{F(oy)} {F(ex)},{F(ey)} {F(hx)},{F(hy)}\" fill=\"none\" stroke=\"#4c78a8\" stroke-width=\"4\" stroke-linecap=\"round\"/>" +
                   $"<circle cx=\"{F(ox)}\" cy=\"{F(oy)}\" r=\"3\" fill=\"black\"/>");
    }

    static string PointMassFrame(FieldValues observation)
    {
        var p = observation.GetContinuous(Envs.PointMass.PositionKey);
        const double scale = Size / 0.65;   // the arena is 0.6 m across
        double ox = Size / 2.0, oy = Size / 2.0;
        return Svg($"<rect x=\"{F(ox - 0.3 * scale)}\" y=\"{F(oy - 0.3 * scale)}\" width=\"{F(0.6 * scale)}\" height=\"{F(0.6 * scale)}\" fill=\"none\" stroke=\"#999\"/>" +
                   $"<circle cx=\"{F(ox)}\" cy=\"{F(oy)}\" r=\"{F(Envs.PointMass.TargetRadius * scale)}\" fill=\"#2ca02c\" fill-opacity=\"0.5\"/>" +
                   $"<circle cx=\"{F(ox + p[0] * scale)}\" cy=\"{F(oy - p[1] * scale)}\" r=\"4\" fill=\"#d62728\"/>");
    }

    static string Svg(string body) => $"<svg width=\"{Size}\" height=\"{Size}\" viewBox=\"0 0 {Size} {Size}\" style=\"background:#fafafa\">{body}</svg>";

    static string Css(byte[] rgb) => $"rgb({rgb[0]},{rgb[1]},{rgb[2]})";

    static string F(double v) => SvgChart.F(v);
}
