namespace GatoMesh.Eval;

/// <summary>Percentiles of step latencies in milliseconds, nearest-rank: p is the smallest sample
/// with at least p% of the samples at or below it (so p100 is the maximum, and a percentile is
/// always a latency that was observed).</summary>
public sealed record LatencyDistribution(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencyDistribution Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0) return new LatencyDistribution(0, 0, 0, 0, 0);
        var sorted = milliseconds.Order().ToArray();
        double At(double percent) => sorted[Math.Max(0, (int)Math.Ceiling(percent / 100 * sorted.Length) - 1)];
        return new LatencyDistribution(sorted.Length, At(50), At(95), At(99), sorted[^1]);
    }
}
