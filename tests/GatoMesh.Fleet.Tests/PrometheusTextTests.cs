using GatoMesh.Fleet;

namespace GatoMesh.Fleet.Tests;

public class PrometheusTextTests
{
    const string Exposition = """
        # HELP gatomesh_engine_iterations_total Engine iterations.
        # TYPE gatomesh_engine_iterations_total counter
        gatomesh_engine_iterations_total{device="cpu"} 120
        gatomesh_engine_iterations_total{device="cuda:0"} 30 1700000000000
        gatomesh_engine_iterations_total_created 1.7e9
        gatomesh_engine_decode_tokens_total 4.5e3
        """;

    [Fact]
    public void Sums_a_metric_over_its_label_sets_ignoring_timestamps()
    {
        Assert.Equal(150, PrometheusText.Sum(Exposition, "gatomesh_engine_iterations_total"));
    }

    [Fact]
    public void Reads_an_unlabelled_sample_in_exponent_notation()
    {
        Assert.Equal(4500, PrometheusText.Sum(Exposition, "gatomesh_engine_decode_tokens_total"));
    }

    [Fact]
    public void A_metric_absent_from_the_text_is_null_not_zero()
    {
        Assert.Null(PrometheusText.Sum(Exposition, "gatomesh_engine_prefill_tokens_total"));
        Assert.Null(PrometheusText.Sum(Exposition, "gatomesh_engine_iterations"));
    }

    [Fact]
    public void Mean_batch_is_tokens_per_iteration_between_two_readings()
    {
        var before = new EngineTotals(Iterations: 100, DecodeTokens: 1000, PrefillTokens: 500, BatchedSequences: 800);
        var after = new EngineTotals(Iterations: 150, DecodeTokens: 2600, PrefillTokens: 900, BatchedSequences: 1400);
        Assert.Equal(40, after.MeanBatchTokensSince(before));
        Assert.Equal(12, after.MeanBatchSequencesSince(before));
        Assert.Equal(0, before.MeanBatchTokensSince(before));
    }
}
