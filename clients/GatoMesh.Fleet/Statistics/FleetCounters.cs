using System.Collections.Concurrent;

namespace GatoMesh.Fleet;

/// <summary>
/// What a fleet's agents report while they run: completed steps with their latency, errors by
/// code, and the model version the last reply named. Latency is from sending an observation to
/// receiving its action; a step slower than <see cref="DeadlineMs"/> (the paper's 20 Hz robot
/// budget, GATO.md "Deployment") is a deadline miss.
/// </summary>
public sealed class FleetCounters
{
    public const double DeadlineMs = 50;

    readonly ConcurrentDictionary<string, long> errors = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, string> firstMessages = new(StringComparer.Ordinal);
    long deadlineMisses;
    long errorCount;
    string model = "";

    public LatencySamples Latency { get; } = new();

    public long Steps => Latency.Count;
    public long DeadlineMisses => Interlocked.Read(ref deadlineMisses);
    public long Errors => Interlocked.Read(ref errorCount);
    public string Model => Volatile.Read(ref model);

    /// <summary>Errors by name (a wire <see cref="Protos.V1.ErrorCode"/>, or the exception type of a
    /// failure that carried none), in name order.</summary>
    public IReadOnlyDictionary<string, long> ErrorsByCode =>
        new SortedDictionary<string, long>(errors.ToDictionary(e => e.Key, e => e.Value), StringComparer.Ordinal);

    public void Step(double latencyMs, string modelVersion)
    {
        Latency.Record(latencyMs);
        if (latencyMs > DeadlineMs)
            Interlocked.Increment(ref deadlineMisses);
        if (modelVersion.Length > 0)
            Volatile.Write(ref model, modelVersion);
    }

    /// <summary>The first message seen for each error code: what a person needs to see why.</summary>
    public IReadOnlyDictionary<string, string> FirstErrorMessages =>
        new SortedDictionary<string, string>(firstMessages.ToDictionary(e => e.Key, e => e.Value), StringComparer.Ordinal);

    public void Error(string code, string message)
    {
        firstMessages.TryAdd(code, message);
        errors.AddOrUpdate(code, 1, (_, n) => n + 1);
        Interlocked.Increment(ref errorCount);
    }
}
