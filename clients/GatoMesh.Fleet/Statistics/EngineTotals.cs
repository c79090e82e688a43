namespace GatoMesh.Fleet;

/// <summary>
/// Cumulative counters of a silo's inference engine (docs/ENGINE.md, "Iteration"): iterations run and
/// tokens processed. Two readings around a run give its realized batch: tokens per iteration.
/// </summary>
public sealed record EngineTotals(long Iterations, long DecodeTokens, long PrefillTokens)
{
    /// <summary>Mean tokens (decode plus prefill) per engine iteration between <paramref name="before"/>
    /// and this reading; 0 when no iteration ran.</summary>
    public double MeanBatchSince(EngineTotals before)
    {
        var iterations = Iterations - before.Iterations;
        return iterations <= 0 ? 0 : (double)(DecodeTokens + PrefillTokens - before.DecodeTokens - before.PrefillTokens) / iterations;
    }
}
