using System.Globalization;
using System.Net;
using System.Text;

namespace GatoMesh.Eval;

/// <summary>Inline SVG charts for the report: line charts with labelled, ticked axes and bar charts; no script, no
/// external file, so the page renders anywhere, offline.</summary>
internal static class SvgChart
{
    const int Left = 64, Right = 16, Top = 28, Bottom = 44;

    public sealed record Series(string Name, string Color, IReadOnlyList<(double X, double Y)> Points, double Width = 1.5, double Opacity = 1);

    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, int width = 640, int height = 320)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        double xMin = points.Count > 0 ? points.Min(p => p.X) : 0, xMax = points.Count > 0 ? points.Max(p => p.X) : 1;
        double yMin = points.Count > 0 ? Math.Min(0, points.Min(p => p.Y)) : 0, yMax = points.Count > 0 ? points.Max(p => p.Y) * 1.05 : 1;
        if (xMax - xMin < 1e-12) xMax = xMin + 1;
        if (yMax - yMin < 1e-12) yMax = yMin + 1;
        var svg = Frame(title, xLabel, yLabel, width, height, xMin, xMax, yMin, yMax, out var x, out var y);
        foreach (var s in series)
        {
            if (s.Points.Count == 0) continue;
            var path = string.Join(" ", s.Points.Where(p => double.IsFinite(p.Y)).Select(p => $"{F(x(p.X))},{F(y(p.Y))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"{F(s.Width)}\" stroke-opacity=\"{F(s.Opacity)}\" points=\"{path}\"><title>{Escape(s.Name)}</title></polyline>");
        }
        var legendY = Top + 4;
        foreach (var s in series.Where(s => s.Opacity >= 1))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{width - Right - 150}\" y1=\"{legendY}\" x2=\"{width - Right - 130}\" y2=\"{legendY}\" stroke=\"{s.Color}\" stroke-width=\"3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - Right - 124}\" y=\"{legendY + 4}\" font-size=\"11\">{Escape(s.Name)}</text>");
            legendY += 15;
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Bars over equal bins of <paramref name="values"/> (a histogram), with vertical markers.</summary>
    public static string Histogram(string title, string xLabel, string yLabel, IReadOnlyList<double> values, int bins,
        IReadOnlyList<(string Name, double X)> markers, double? upTo = null, int width = 640, int height = 300)
    {
        var hi = upTo ?? (values.Count > 0 ? values.Max() : 1);
        if (hi <= 0) hi = 1;
        var counts = new int[bins];
        foreach (var v in values) counts[Math.Clamp((int)(v / hi * bins), 0, bins - 1)]++;
        var svg = Frame(title, xLabel, yLabel, width, height, 0, hi, 0, Math.Max(1, counts.Max()) * 1.1, out var x, out var y);
        for (var b = 0; b < bins; b++)
        {
            var x0 = x(hi * b / bins);
            var x1 = x(hi * (b + 1) / bins);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x0)}\" y=\"{F(y(counts[b]))}\" width=\"{F(Math.Max(1, x1 - x0 - 1))}\" height=\"{F(y(0) - y(counts[b]))}\" fill=\"#4c78a8\"><title>{F(hi * b / bins)}-{F(hi * (b + 1) / bins)} ms: {counts[b]} steps</title></rect>");
        }
        foreach (var (name, at) in markers)
        {
            var mx = x(Math.Min(at, hi));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(mx)}\" y1=\"{Top}\" x2=\"{F(mx)}\" y2=\"{F(y(0))}\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(mx + 3)}\" y=\"{Top + 10}\" font-size=\"11\" fill=\"#d62728\">{Escape(name)}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The chart's frame: title, axes with five ticks each and their labels; returns the open SVG and the
    /// data-to-pixel maps.</summary>
    static StringBuilder Frame(string title, string xLabel, string yLabel, int width, int height, double xMin, double xMax, double yMin, double yMax,
        out Func<double, double> x, out Func<double, double> y)
    {
        double x0 = Left, x1 = width - Right, y0 = height - Bottom, y1 = Top;
        x = v => x0 + (x1 - x0) * (v - xMin) / (xMax - xMin);
        y = v => y0 - (y0 - y1) * (v - yMin) / (yMax - yMin);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" role=\"img\" aria-label=\"{Escape(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"black\"/><line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y1}\" stroke=\"black\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var tx = x0 + (x1 - x0) * i / 4;
            var ty = y0 + (y1 - y0) * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(tx)}\" y1=\"{y0}\" x2=\"{F(tx)}\" y2=\"{y0 + 4}\" stroke=\"black\"/><text x=\"{F(tx)}\" y=\"{y0 + 16}\" font-size=\"11\" text-anchor=\"middle\">{Tick(xMin + (xMax - xMin) * i / 4)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0 - 4}\" y1=\"{F(ty)}\" x2=\"{x0}\" y2=\"{F(ty)}\" stroke=\"black\"/><text x=\"{x0 - 6}\" y=\"{F(ty + 4)}\" font-size=\"11\" text-anchor=\"end\">{Tick(yMin + (yMax - yMin) * i / 4)}</text>");
            if (i > 0) svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{F(ty)}\" x2=\"{x1}\" y2=\"{F(ty)}\" stroke=\"#eee\"/>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((x0 + x1) / 2)}\" y=\"{height - 8}\" font-size=\"12\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(14 {F((y0 + y1) / 2)}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{Escape(yLabel)}</text>");
        return svg;
    }

    static string Tick(double v) => Math.Abs(v) >= 1000 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString(Math.Abs(v) >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);

    internal static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Escape(string text) => WebUtility.HtmlEncode(text);
}
