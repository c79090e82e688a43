using System.Text.Json.Nodes;

namespace GatoMesh.Fleet;

/// <summary>
/// What a fleet run measured (docs/FLEET.md, "Statistics"). <see cref="ToJson"/> is the one object
/// <c>gatomesh fleet --json</c> prints: the fields (agents, steps, steps_per_s, p50_ms, p95_ms,
/// p99_ms, max_ms, mean_batch, deadline_miss_rate_20hz, errors, model) and a few more.
/// </summary>
public sealed record FleetReport
{
    public int Agents { get; init; }
    public string Task { get; init; } = "";

    /// <summary>Null for closed-loop agents; else the pacing period.</summary>
    public double? PeriodMs { get; init; }

    /// <summary>Length of the measured (stepping) phase.</summary>
    public double DurationS { get; init; }
    public long Steps { get; init; }
    public double StepsPerSecond { get; init; }
    public double P50Ms { get; init; }
    public double P95Ms { get; init; }
    public double P99Ms { get; init; }
    public double MaxMs { get; init; }
    public double MeanMs { get; init; }

    /// <summary>Engine tokens (decode + prefill) per iteration during the stepping phase; null when
    /// the target does not expose its engine's counters.</summary>
    public double? MeanBatch { get; init; }

    /// <summary>Sequences (agents' requests) per engine iteration during the stepping phase.</summary>
    public double? MeanBatchSequences { get; init; }

    /// <summary>Engine iterations and tokens (decode + prefill) during the stepping phase.</summary>
    public long? EngineIterations { get; init; }
    public long? EngineTokens { get; init; }

    /// <summary>Fraction of steps slower than 50 ms.</summary>
    public double DeadlineMissRate20Hz { get; init; }

    /// <summary>Every error: opening, stepping, resetting and closing.</summary>
    public long Errors { get; init; }

    /// <summary>Errors while opening sessions (an agent whose open failed does not step).</summary>
    public long OpenErrors { get; init; }
    public IReadOnlyDictionary<string, long> ErrorsByCode { get; init; } = new Dictionary<string, long>();

    /// <summary>The first message of each error code.</summary>
    public IReadOnlyDictionary<string, string> FirstErrors { get; init; } = new Dictionary<string, string>();

    /// <summary>The model version the replies named (the last one seen).</summary>
    public string Model { get; init; } = "";
    public double OpenS { get; init; }
    public double CloseS { get; init; }

    public JsonObject ToJson() => new()
    {
        ["agents"] = Agents,
        ["task"] = Task,
        ["period_ms"] = PeriodMs,
        ["duration_s"] = Round(DurationS),
        ["steps"] = Steps,
        ["steps_per_s"] = Round(StepsPerSecond),
        ["p50_ms"] = Round(P50Ms),
        ["p95_ms"] = Round(P95Ms),
        ["p99_ms"] = Round(P99Ms),
        ["max_ms"] = Round(MaxMs),
        ["mean_ms"] = Round(MeanMs),
        ["mean_batch"] = MeanBatch is { } batch ? Round(batch) : null,
        ["mean_batch_sequences"] = MeanBatchSequences is { } sequences ? Round(sequences) : null,
        ["engine_iterations"] = EngineIterations,
        ["engine_tokens"] = EngineTokens,
        ["deadline_miss_rate_20hz"] = Math.Round(DeadlineMissRate20Hz, 5),
        ["errors"] = Errors,
        ["open_errors"] = OpenErrors,
        ["errors_by_code"] = new JsonObject(ErrorsByCode.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
        ["first_errors"] = new JsonObject(FirstErrors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
        ["model"] = Model,
        ["open_s"] = Round(OpenS),
        ["close_s"] = Round(CloseS),
    };

    static double Round(double value) => Math.Round(value, 3);
}
