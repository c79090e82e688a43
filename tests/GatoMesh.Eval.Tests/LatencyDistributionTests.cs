using GatoMesh.Eval;

namespace GatoMesh.Eval.Tests;

public sealed class LatencyDistributionTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_samples()
    {
        // 1..100 shuffled: the p-th percentile by nearest rank is p itself.
        var samples = Enumerable.Range(1, 100).Select(i => (double)(i * 37 % 101)).ToList();
        Assert.Equal(100, samples.Distinct().Count());

        var latency = LatencyDistribution.Of(samples);

        Assert.Equal((100, 50.0, 95.0, 99.0, 100.0), (latency.Count, latency.P50, latency.P95, latency.P99, latency.Max));
    }

    [Fact]
    public void A_single_sample_is_every_percentile()
    {
        var latency = LatencyDistribution.Of([4.5]);
        Assert.Equal((4.5, 4.5, 4.5, 4.5), (latency.P50, latency.P95, latency.P99, latency.Max));
    }

    [Fact]
    public void No_samples_give_zeros()
    {
        Assert.Equal(new LatencyDistribution(0, 0, 0, 0, 0), LatencyDistribution.Of([]));
    }
}
