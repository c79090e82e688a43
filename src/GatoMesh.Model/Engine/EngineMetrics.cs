namespace GatoMesh.Model.Engine;

/// <summary>A consistent-enough snapshot of the engine's counters (each read atomically).</summary>
public sealed record EngineMetrics(
    long Iterations,
    long DecodeTokens,
    long PrefillTokens,
    long ActionsCompleted,
    long CacheMisses,
    long Evictions,
    long Failures,
    int Sequences,
    int UsedBlocks,
    int TotalBlocks,
    int LastBatchTokens,
    int LastBatchSequences,
    long BatchedSequences)
{
    /// <summary>Sequences per iteration on average since the engine started (the realized batch).</summary>
    public double MeanBatchSequences => Iterations == 0 ? 0 : (double)BatchedSequences / Iterations;
}

/// <summary>The engine thread's counters; read from any thread through <see cref="Snapshot"/>.</summary>
internal sealed class EngineCounters
{
    public long Iterations, DecodeTokens, PrefillTokens, ActionsCompleted, CacheMisses, Evictions, Failures, BatchedSequences;
    public int Sequences, UsedBlocks, TotalBlocks, LastBatchTokens, LastBatchSequences;

    public EngineMetrics Snapshot() => new(
        Interlocked.Read(ref Iterations), Interlocked.Read(ref DecodeTokens), Interlocked.Read(ref PrefillTokens),
        Interlocked.Read(ref ActionsCompleted), Interlocked.Read(ref CacheMisses), Interlocked.Read(ref Evictions),
        Interlocked.Read(ref Failures), Volatile.Read(ref Sequences), Volatile.Read(ref UsedBlocks),
        Volatile.Read(ref TotalBlocks), Volatile.Read(ref LastBatchTokens), Volatile.Read(ref LastBatchSequences),
        Interlocked.Read(ref BatchedSequences));
}
