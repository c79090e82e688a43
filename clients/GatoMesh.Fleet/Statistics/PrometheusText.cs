using System.Globalization;

namespace GatoMesh.Fleet;

/// <summary>
/// Reads samples from the Prometheus text exposition format (what a gateway's <c>/metrics</c>
/// serves): <c>name{label="v",...} value [timestamp]</c> per line, <c>#</c> lines are comments.
/// </summary>
public static class PrometheusText
{
    /// <summary>The sum of every sample of metric <paramref name="name"/> over all label sets, or
    /// null when the text holds none.</summary>
    public static double? Sum(string text, string name)
    {
        double? sum = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal))
                continue;
            var rest = line.AsSpan(name.Length);
            if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '{'))
                continue;
            if (rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                    continue;
                rest = rest[(close + 1)..];
            }
            rest = rest.TrimStart();
            var end = rest.IndexOf(' ');
            var value = end < 0 ? rest : rest[..end];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var sample))
                sum = (sum ?? 0) + sample;
        }
        return sum;
    }
}
