using System.Diagnostics.Metrics;
using GatoMesh.Gateway.Tests.Fixtures;

namespace GatoMesh.Gateway.Tests;

/// <summary>docs/GATEWAY.md, "Metrics": how each kind of System.Diagnostics.Metrics instrument of a
/// GatoMesh meter is written in Prometheus text, checked on a meter of the test's own.</summary>
public sealed class PrometheusExporterTests
{
    // Unique per test run so other tests' instruments in this process cannot be confused with these.
    private readonly string prefix = "test" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public void Counters_are_totals_per_tag_set_with_sanitized_names()
    {
        using var meter = new Meter("GatoMesh.Tests.Exporter");
        using var exporter = new PrometheusExporter(null);
        var counter = meter.CreateCounter<long>($"{prefix}.steps-done", description: "steps");

        counter.Add(2, new KeyValuePair<string, object?>("fleet", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("fleet", "a"));
        counter.Add(5, new KeyValuePair<string, object?>("fleet", "b\"q\\"));
        var families = PrometheusText.Parse(exporter.Scrape());

        var name = $"{prefix}_steps_done_total";
        Assert.Equal("counter", families[name].Type);
        Assert.Equal(5, PrometheusText.Value(families, name, name, ("fleet", "a")));
        Assert.Equal(5, PrometheusText.Value(families, name, name, ("fleet", "b\"q\\")));
    }

    [Fact]
    public void Histograms_have_cumulative_buckets_a_sum_and_a_count()
    {
        using var meter = new Meter("GatoMesh.Tests.Exporter");
        using var exporter = new PrometheusExporter(null);
        var histogram = meter.CreateHistogram<double>($"{prefix}.latency", "ms");

        foreach (var ms in new[] { 0.3, 7.0, 10.0, 20_000.0 }) histogram.Record(ms);
        var families = PrometheusText.Parse(exporter.Scrape());

        var name = $"{prefix}_latency";
        Assert.Equal("histogram", families[name].Type);
        Assert.Equal(1, PrometheusText.Value(families, name, name + "_bucket", ("le", "0.5")));
        Assert.Equal(3, PrometheusText.Value(families, name, name + "_bucket", ("le", "10")));
        Assert.Equal(3, PrometheusText.Value(families, name, name + "_bucket", ("le", "10000")));
        Assert.Equal(4, PrometheusText.Value(families, name, name + "_bucket", ("le", "+Inf")));
        Assert.Equal(4, PrometheusText.Value(families, name, name + "_count"));
        Assert.Equal(20_017.3, PrometheusText.Value(families, name, name + "_sum"), 6);
    }

    [Fact]
    public void Gauges_and_up_down_counters_are_gauges_holding_their_current_value()
    {
        using var meter = new Meter("GatoMesh.Tests.Exporter");
        using var exporter = new PrometheusExporter(null);
        var level = 41;
        meter.CreateObservableGauge($"{prefix}.kv_blocks", () => level);
        var open = meter.CreateUpDownCounter<int>($"{prefix}.open");

        open.Add(3);
        open.Add(-1);
        level = 42;
        var families = PrometheusText.Parse(exporter.Scrape());

        Assert.Equal("gauge", families[$"{prefix}_kv_blocks"].Type);
        Assert.Equal(42, PrometheusText.Value(families, $"{prefix}_kv_blocks", $"{prefix}_kv_blocks"));
        Assert.Equal("gauge", families[$"{prefix}_open"].Type);
        Assert.Equal(2, PrometheusText.Value(families, $"{prefix}_open", $"{prefix}_open"));
    }

    [Fact]
    public void An_observable_counter_reports_its_running_total()
    {
        using var meter = new Meter("GatoMesh.Tests.Exporter");
        using var exporter = new PrometheusExporter(null);
        long total = 10;
        meter.CreateObservableCounter($"{prefix}.iterations", () => total);

        PrometheusText.Parse(exporter.Scrape());
        total = 25;
        var families = PrometheusText.Parse(exporter.Scrape());

        Assert.Equal(25, PrometheusText.Value(families, $"{prefix}_iterations_total", $"{prefix}_iterations_total"));
    }

    [Fact]
    public void Meters_outside_GatoMesh_are_not_exported()
    {
        using var meter = new Meter("Someone.Else");
        using var exporter = new PrometheusExporter(null);
        meter.CreateCounter<long>($"{prefix}.foreign").Add(1);

        Assert.DoesNotContain(prefix, exporter.Scrape());
    }

    [Theory]
    [InlineData("gatomesh.runtime.call.duration", "gatomesh_runtime_call_duration")]
    [InlineData("9lives", "_9lives")]
    [InlineData("a-b/c d", "a_b_c_d")]
    public void Names_are_made_valid_for_Prometheus(string instrument, string expected) =>
        Assert.Equal(expected, PrometheusExporter.SanitizeName(instrument));
}
