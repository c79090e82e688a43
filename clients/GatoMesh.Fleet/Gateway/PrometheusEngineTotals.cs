namespace GatoMesh.Fleet;

/// <summary>
/// Reads <see cref="EngineTotals"/> from a gateway's <c>/metrics</c>: the serving grains' engine gauges
/// (grains/GatoMesh.Grains/Serving/ServingMetrics.cs), summed over the silos (label sets) reported.
/// </summary>
public sealed class PrometheusEngineTotals(Uri metrics, HttpClient http)
{
    public const string IterationsMetric = "gatomesh_engine_iterations";
    public const string DecodeTokensMetric = "gatomesh_engine_decode_tokens";
    public const string PrefillTokensMetric = "gatomesh_engine_prefill_tokens";
    public const string BatchedSequencesMetric = "gatomesh_engine_batched_sequences";

    /// <summary>The totals now, or null when the endpoint cannot be read or lacks a counter.</summary>
    public async Task<EngineTotals?> ReadAsync(CancellationToken ct)
    {
        string text;
        try
        {
            text = await http.GetStringAsync(metrics, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        return Parse(text);
    }

    public static EngineTotals? Parse(string text) =>
        PrometheusText.Sum(text, IterationsMetric) is { } iterations
        && PrometheusText.Sum(text, DecodeTokensMetric) is { } decode
        && PrometheusText.Sum(text, PrefillTokensMetric) is { } prefill
        && PrometheusText.Sum(text, BatchedSequencesMetric) is { } sequences
            ? new EngineTotals((long)iterations, (long)decode, (long)prefill, (long)sequences)
            : null;
}
