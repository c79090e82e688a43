using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GatoMesh.Gateway;

/// <summary>
/// Every instrument of the meters whose name starts with <c>GatoMesh</c> (the runtime's, the serving
/// grains', the gateway's), aggregated in process through a <see cref="MeterListener"/> and written in
/// Prometheus' text exposition format 0.0.4 (docs/GATEWAY.md, "Metrics"): counters as
/// <c>NAME_total</c>; up-down counters and gauges as gauges; histograms as cumulative
/// <c>NAME_bucket{le=...}</c>, <c>NAME_sum</c>, <c>NAME_count</c>. Names: dots and other characters
/// Prometheus does not allow become underscores. Tags become labels. Observable instruments are read at
/// scrape time. Sums start when the gateway starts (as after a restart, which Prometheus expects).
/// </summary>
internal sealed partial class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Bucket bounds for every histogram: GatoMesh's histograms are latencies in ms, and these
    /// span a fast in-process call to a step that missed the 20 Hz budget many times over.</summary>
    internal static readonly double[] BucketBounds = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly string meterPrefix;
    private readonly Meter? ownGatewayMeter;
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<Instrument, MetricFamily> families = new();
    private readonly Lock scrape = new();

    /// <param name="ownGatewayMeter">This gateway's meter: other gateways' meters of the same name (more
    /// than one gateway in a process, as in tests) are left out, so each series is written once.</param>
    public PrometheusExporter(Meter? ownGatewayMeter, string meterPrefix = "GatoMesh")
    {
        this.meterPrefix = meterPrefix;
        this.ownGatewayMeter = ownGatewayMeter;
        this.listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!instrument.Meter.Name.StartsWith(this.meterPrefix, StringComparison.Ordinal)) return;
            if (this.ownGatewayMeter is not null && instrument.Meter.Name == this.ownGatewayMeter.Name && instrument.Meter != this.ownGatewayMeter) return;
            families[instrument] = new MetricFamily(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        this.listener.MeasurementsCompleted = (instrument, state) => families.TryRemove(instrument, out _);
        this.listener.SetMeasurementEventCallback<byte>((i, v, tags, _) => Record(i, v, tags));
        this.listener.SetMeasurementEventCallback<short>((i, v, tags, _) => Record(i, v, tags));
        this.listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        this.listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        this.listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        this.listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        this.listener.SetMeasurementEventCallback<decimal>((i, v, tags, _) => Record(i, (double)v, tags));
        this.listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (families.TryGetValue(instrument, out var family)) family.Record(value, tags);
    }

    /// <summary>The exposition text of everything measured so far.</summary>
    public string Scrape()
    {
        lock (this.scrape)
        {
            foreach (var family in families.Values) family.BeginObservation();
            this.listener.RecordObservableInstruments();
            var text = new StringBuilder();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in families.Values.GroupBy(f => f.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var first = group.First();
                // One TYPE per name: two instruments that sanitize to one name (e.g. one per gateway in a
                // test process) share a family, which must then be of one kind.
                var members = group.Where(f => f.Kind == first.Kind).ToList();
                if (!written.Add(first.Name)) continue;
                text.Append("# HELP ").Append(first.Name).Append(' ').Append(EscapeHelp(first.Help)).Append('\n');
                text.Append("# TYPE ").Append(first.Name).Append(' ').Append(first.Kind switch
                {
                    MetricKind.Counter => "counter",
                    MetricKind.Histogram => "histogram",
                    _ => "gauge",
                }).Append('\n');
                foreach (var member in members) member.WriteSamples(text);
            }
            return text.ToString();
        }
    }

    /// <summary>A Prometheus metric name: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    internal static string SanitizeName(string name)
    {
        var sanitized = InvalidNameChars().Replace(name, "_");
        return sanitized.Length > 0 && char.IsAsciiDigit(sanitized[0]) ? "_" + sanitized : sanitized;
    }

    /// <summary>A Prometheus label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    internal static string SanitizeLabel(string name)
    {
        var sanitized = InvalidLabelChars().Replace(name, "_");
        return sanitized.Length > 0 && char.IsAsciiDigit(sanitized[0]) ? "_" + sanitized : sanitized;
    }

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("[^a-zA-Z0-9_:]")]
    private static partial Regex InvalidNameChars();

    [GeneratedRegex("[^a-zA-Z0-9_]")]
    private static partial Regex InvalidLabelChars();

    public void Dispose() => this.listener.Dispose();
}
