using System.Globalization;
using System.Text.RegularExpressions;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>
/// A strict reader of Prometheus' text exposition format 0.0.4, as a scraper would apply it: every line
/// is a HELP, a TYPE or a sample; a family's TYPE comes once, before its samples; sample names belong to
/// the family (histograms: _bucket with an le label, _sum, _count); label values are quoted and escaped;
/// histogram buckets are cumulative and the +Inf bucket equals _count. Throws naming the line otherwise.
/// </summary>
internal static partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string Type, List<Sample> Samples);

    public static Dictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        Family? current = null;
        var lines = text.Split('\n');
        Assert.Equal("", lines[^1]); // the text ends with a newline
        foreach (var line in lines[..^1])
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal)) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.True(parts.Length == 4, $"TYPE line with {parts.Length} parts: {line}");
                Assert.Matches(NamePattern(), parts[2]);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(families.ContainsKey(parts[2]), $"second TYPE for {parts[2]}");
                current = new Family(parts[2], parts[3], []);
                families[parts[2]] = current;
                continue;
            }
            Assert.False(line.StartsWith('#'), $"unknown comment line: {line}");
            var match = SamplePattern().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var name = match.Groups["name"].Value;
            Assert.True(current is not null, $"sample before any TYPE: {line}");
            var allowed = current!.Type switch
            {
                "histogram" => new[] { current.Name + "_bucket", current.Name + "_sum", current.Name + "_count" },
                _ => new[] { current.Name },
            };
            Assert.True(allowed.Contains(name), $"sample {name} outside its family {current.Name}: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in LabelPattern().Matches(match.Groups["labels"].Value))
                Assert.True(labels.TryAdd(label.Groups[1].Value, Unescape(label.Groups[2].Value)), $"repeated label in {line}");
            current.Samples.Add(new Sample(name, labels, ParseValue(match.Groups["value"].Value, line)));
        }
        foreach (var family in families.Values.Where(f => f.Type == "histogram")) CheckHistogram(family);
        return families;
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public static double Value(Dictionary<string, Family> families, string family, string name, params (string Key, string Value)[] labels)
    {
        Assert.True(families.TryGetValue(family, out var found), $"no family {family}");
        var matches = found!.Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(matches.Count == 1, $"{matches.Count} samples of {name} with labels {string.Join(",", labels)}");
        return matches[0].Value;
    }

    private static void CheckHistogram(Family family)
    {
        var series = family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
        foreach (var one in series)
        {
            var buckets = one.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(buckets);
            Assert.All(buckets, b => Assert.True(b.Labels.ContainsKey("le"), $"{family.Name} bucket without le"));
            var bounds = buckets.Select(b => ParseValue(b.Labels["le"], b.Labels["le"])).ToList();
            Assert.Equal(bounds.OrderBy(b => b), bounds);
            Assert.Equal(double.PositiveInfinity, bounds[^1]);
            for (var i = 1; i < buckets.Count; i++) Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family.Name} buckets not cumulative");
            var count = Assert.Single(one, s => s.Name == family.Name + "_count");
            Assert.Single(one, s => s.Name == family.Name + "_sum");
            Assert.Equal(count.Value, buckets[^1].Value);
        }
    }

    private static double ParseValue(string value, string line) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"bad value in {line}"),
    };

    private static string Unescape(string value) => value.Replace("\\n", "\n").Replace("\\\"", "\"").Replace("\\\\", "\\");

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>\S+)$""")]
    private static partial Regex SamplePattern();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)""")]
    private static partial Regex LabelPattern();
}
