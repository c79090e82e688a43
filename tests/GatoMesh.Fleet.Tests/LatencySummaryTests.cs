using FsCheck;
using FsCheck.Fluent;
using GatoMesh.Fleet;

namespace GatoMesh.Fleet.Tests;

public class LatencySummaryTests
{
    [Fact]
    public void Percentiles_of_one_to_a_hundred_are_their_nearest_ranks()
    {
        var samples = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToArray();
        var summary = LatencySummary.Of(samples);
        Assert.Equal(100, summary.Count);
        Assert.Equal(50, summary.P50);
        Assert.Equal(95, summary.P95);
        Assert.Equal(99, summary.P99);
        Assert.Equal(100, summary.Max);
        Assert.Equal(50.5, summary.Mean);
    }

    [Fact]
    public void One_slow_step_in_a_hundred_sets_the_max_but_not_the_p99()
    {
        var samples = Enumerable.Repeat(2.0, 99).Append(400.0).ToArray();
        var summary = LatencySummary.Of(samples);
        Assert.Equal(2, summary.P99);
        Assert.Equal(400, summary.Max);
    }

    [Fact]
    public void No_samples_summarize_to_zeros()
    {
        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0), LatencySummary.Of([]));
    }

    [Fact]
    public void A_percentile_is_a_sample_with_at_least_that_share_of_samples_at_or_below_it_and_fewer_strictly_below()
    {
        Prop.ForAll(Gen.Choose(0, 10_000).Select(i => i / 10.0).NonEmptyListOf().ToArbitrary(), Gen.Choose(1, 100).ToArbitrary(),
            (values, percent) =>
            {
                var sorted = values.OrderBy(v => v).ToArray();
                var p = LatencySummary.Rank(sorted, percent);
                var atOrBelow = sorted.Count(v => v <= p);
                var below = sorted.Count(v => v < p);
                return sorted.Contains(p) && atOrBelow * 100 >= percent * sorted.Length && below * 100 < percent * sorted.Length;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Summarize_from_an_index_covers_only_the_samples_recorded_since()
    {
        var samples = new LatencySamples();
        foreach (var ms in new[] { 100.0, 100.0, 1.0, 2.0, 3.0 })
            samples.Record(ms);
        var recent = samples.Summarize(from: 2);
        Assert.Equal(3, recent.Count);
        Assert.Equal(3, recent.Max);
        Assert.Equal(5, samples.Summarize().Count);
    }

    [Fact]
    public void Counters_count_steps_over_the_20_hz_deadline_and_errors_by_code()
    {
        var counters = new FleetCounters();
        counters.Step(10, "v1");
        counters.Step(50, "v1");
        counters.Step(50.5, "v2");
        counters.Error("Unavailable", "first");
        counters.Error("Unavailable", "second");
        counters.Error("IOException", "broken pipe");
        Assert.Equal(3, counters.Steps);
        Assert.Equal(1, counters.DeadlineMisses);
        Assert.Equal(3, counters.Errors);
        Assert.Equal(new Dictionary<string, long> { ["IOException"] = 1, ["Unavailable"] = 2 }, counters.ErrorsByCode);
        Assert.Equal("v2", counters.Model);
        Assert.Equal(new Dictionary<string, string> { ["IOException"] = "broken pipe", ["Unavailable"] = "first" }, counters.FirstErrorMessages);
    }
}
