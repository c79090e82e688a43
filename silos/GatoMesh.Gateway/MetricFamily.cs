using System.Diagnostics.Metrics;
using System.Text;

namespace GatoMesh.Gateway;

internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One instrument's series (one per tag set) as <see cref="PrometheusExporter"/> writes them.
/// Counters and up-down counters add their measurements; observable instruments report a current value
/// (an observable counter's value is its running total), which replaces the last.</summary>
internal sealed class MetricFamily
{
    private readonly bool observed;
    private readonly Dictionary<string, Series> series = new(StringComparer.Ordinal);

    public MetricFamily(Instrument instrument)
    {
        var type = instrument.GetType();
        var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        (Kind, observed) = generic switch
        {
            _ when generic == typeof(Counter<>) => (MetricKind.Counter, false),
            _ when generic == typeof(ObservableCounter<>) => (MetricKind.Counter, true),
            _ when generic == typeof(Histogram<>) => (MetricKind.Histogram, false),
            _ when generic == typeof(UpDownCounter<>) => (MetricKind.Gauge, false),
            _ => (MetricKind.Gauge, true), // ObservableGauge, ObservableUpDownCounter, Gauge
        };
        if (generic == typeof(Gauge<>)) observed = true; // a synchronous gauge also reports a current value
        var name = PrometheusExporter.SanitizeName(instrument.Name);
        Name = Kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
        Help = $"{instrument.Description}{(string.IsNullOrEmpty(instrument.Unit) ? "" : $" ({instrument.Unit})")} [meter {instrument.Meter.Name}, instrument {instrument.Name}]".TrimStart();
    }

    public string Name { get; }

    public string Help { get; }

    public MetricKind Kind { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (this.series)
        {
            if (!this.series.TryGetValue(labels, out var series)) this.series[labels] = series = new Series(Kind == MetricKind.Histogram);
            if (Kind == MetricKind.Histogram) series.Observe(value);
            else if (observed) series.Value = value;
            else series.Value += value;
        }
    }

    /// <summary>Before a scrape reads observable instruments: forget their last values, so a tag set
    /// no longer reported disappears instead of repeating a stale value.</summary>
    public void BeginObservation()
    {
        if (!observed) return;
        lock (this.series) this.series.Clear();
    }

    public void WriteSamples(StringBuilder text)
    {
        lock (this.series)
        {
            foreach (var (labels, series) in this.series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (Kind != MetricKind.Histogram)
                {
                    Sample(text, Name, labels, series.Value);
                    continue;
                }
                var baseName = Name;
                long cumulative = 0;
                for (var i = 0; i < PrometheusExporter.BucketBounds.Length; i++)
                {
                    cumulative += series.Buckets![i];
                    Sample(text, baseName + "_bucket", Join(labels, $"le=\"{PrometheusExporter.FormatValue(PrometheusExporter.BucketBounds[i])}\""), cumulative);
                }
                Sample(text, baseName + "_bucket", Join(labels, "le=\"+Inf\""), series.Count);
                Sample(text, baseName + "_sum", labels, series.Value);
                Sample(text, baseName + "_count", labels, series.Count);
            }
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(PrometheusExporter.FormatValue(value)).Append('\n');
    }

    private static string Join(string labels, string label) => labels.Length == 0 ? label : labels + "," + label;

    /// <summary>The label set as it is written (sorted by name), also the series key.</summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var pairs = new List<(string Name, string Value)>(tags.Length);
        foreach (var tag in tags)
            pairs.Add((PrometheusExporter.SanitizeLabel(tag.Key), PrometheusExporter.EscapeLabelValue(Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")));
        pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return string.Join(",", pairs.Select(p => $"{p.Name}=\"{p.Value}\""));
    }

    private sealed class Series(bool histogram)
    {
        /// <summary>The counter or gauge value; for a histogram, the sum of observations.</summary>
        public double Value;

        public long Count;

        public readonly long[]? Buckets = histogram ? new long[PrometheusExporter.BucketBounds.Length] : null;

        public void Observe(double value)
        {
            Value += value;
            Count++;
            // Buckets hold non-cumulative counts here; WriteSamples accumulates them.
            var bucket = Array.BinarySearch(PrometheusExporter.BucketBounds, value);
            if (bucket < 0) bucket = ~bucket;
            if (bucket < Buckets!.Length) Buckets[bucket]++;
        }
    }
}
