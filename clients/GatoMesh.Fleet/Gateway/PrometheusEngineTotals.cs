namespace GatoMesh.Fleet;

/// <summary>
/// Reads <see cref="EngineTotals"/> from a gateway's <c>/metrics</c>: the serving grains' engine
/// counters, summed over every inference grain (label set) of the silo.
/// </summary>
public sealed class PrometheusEngineTotals(Uri metrics, HttpClient http)
{
    public const string IterationsMetric = "gatomesh_engine_iterations_total";
    public const string DecodeTokensMetric = "gatomesh_engine_decode_tokens_total";
    public const string PrefillTokensMetric = "gatomesh_engine_prefill_tokens_total";

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
            ? new EngineTotals((long)iterations, (long)decode, (long)prefill)
            : null;
}
