namespace GatoMesh.Fleet;

/// <summary>
/// Every latency sample of a run, kept whole so percentiles are exact (nearest rank: the p-th
/// percentile of n sorted samples is the one at rank <c>ceil(p / 100 * n)</c>), not estimated from
/// buckets. A fleet run records at most a few hundred thousand steps, a few MB of doubles. Safe to
/// record from many agents at once.
/// </summary>
public sealed class LatencySamples
{
    readonly List<double> milliseconds = new(1 << 16);
    readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
                return milliseconds.Count;
        }
    }

    public void Record(double ms)
    {
        lock (gate)
            milliseconds.Add(ms);
    }

    /// <summary>The distribution of the samples recorded from index <paramref name="from"/> on (0: all).</summary>
    public LatencySummary Summarize(int from = 0)
    {
        double[] sorted;
        lock (gate)
            sorted = milliseconds.GetRange(from, milliseconds.Count - from).ToArray();
        return LatencySummary.Of(sorted);
    }
}

/// <summary>Exact percentiles (milliseconds) of a set of samples; all zero when there are none.</summary>
public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    /// <summary>Sorts <paramref name="samples"/> in place and reads its percentiles.</summary>
    public static LatencySummary Of(double[] samples)
    {
        if (samples.Length == 0)
            return new(0, 0, 0, 0, 0, 0);
        Array.Sort(samples);
        return new(samples.Length, Rank(samples, 50), Rank(samples, 95), Rank(samples, 99), samples[^1], samples.Average());
    }

    /// <summary>Nearest-rank percentile of sorted samples: the smallest sample with at least
    /// <paramref name="percent"/>% of the samples at or below it.</summary>
    public static double Rank(double[] sorted, double percent)
    {
        // percent * n first: 0.56 * 50 is 28.000000000000004 in doubles, whose ceiling is one rank too many.
        var rank = (int)Math.Ceiling(percent * sorted.Length / 100);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
