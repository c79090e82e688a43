namespace GatoMesh.Fleet;

/// <summary>
/// Cumulative counters of a silo's inference engine (docs/ENGINE.md, "Iteration"): iterations run,
/// tokens processed and sequences batched (summed over iterations). Two readings around a run give
/// its realized batch.
/// </summary>
public sealed record EngineTotals(long Iterations, long DecodeTokens, long PrefillTokens, long BatchedSequences)
{
    /// <summary>Tokens (decode plus prefill) per engine iteration between <paramref name="before"/> and
    /// this reading; 0 when no iteration ran.</summary>
    public double MeanBatchTokensSince(EngineTotals before) =>
        Per(DecodeTokens + PrefillTokens - before.DecodeTokens - before.PrefillTokens, before);

    /// <summary>Sequences (agents) per engine iteration between <paramref name="before"/> and this reading.</summary>
    public double MeanBatchSequencesSince(EngineTotals before) => Per(BatchedSequences - before.BatchedSequences, before);

    double Per(long amount, EngineTotals before)
    {
        var iterations = Iterations - before.Iterations;
        return iterations <= 0 ? 0 : (double)amount / iterations;
    }
}
