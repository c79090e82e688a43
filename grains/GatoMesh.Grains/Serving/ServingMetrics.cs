using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GatoMesh.Model.Engine;

namespace GatoMesh.Grains.Serving;

/// <summary>The serving path's instruments (meter "GatoMesh.Serving"); the gateway exports every
/// GatoMesh meter as Prometheus text. Engine gauges are registered per <see cref="ModelHost"/>.</summary>
public static class ServingMetrics
{
    internal static readonly Meter Meter = new("GatoMesh.Serving", "0.1.0");

    internal static readonly Counter<long> Steps = Meter.CreateCounter<long>("gatomesh.serving.steps", description: "steps answered with an action");
    internal static readonly Counter<long> RetriedSteps = Meter.CreateCounter<long>("gatomesh.serving.steps.retried", description: "steps answered again from the session's record (a client retry)");
    internal static readonly Counter<long> Recomputes = Meter.CreateCounter<long>("gatomesh.serving.recomputes", description: "steps whose session resent its context after an engine cache miss");
    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>("gatomesh.serving.errors", description: "typed error replies, by code");
    internal static readonly Counter<long> SessionsOpened = Meter.CreateCounter<long>("gatomesh.serving.sessions.opened");
    internal static readonly Counter<long> SessionsClosed = Meter.CreateCounter<long>("gatomesh.serving.sessions.closed");
    internal static readonly UpDownCounter<long> ActiveSessions = Meter.CreateUpDownCounter<long>("gatomesh.serving.sessions.active", description: "session activations on this silo");
    internal static readonly Histogram<double> StepMilliseconds = Meter.CreateHistogram<double>("gatomesh.serving.step.duration", "ms",
        "time inside the session grain from observation to persisted action");

    private static readonly ConcurrentDictionary<object, (string Silo, Func<EngineMetrics> Read)> EngineReaders = new();

    static ServingMetrics()
    {
        Gauge("gatomesh.engine.iterations", m => m.Iterations, "engine iterations (one forward pass each)");
        Gauge("gatomesh.engine.decode_tokens", m => m.DecodeTokens, "decode tokens processed");
        Gauge("gatomesh.engine.prefill_tokens", m => m.PrefillTokens, "prefill tokens processed");
        Gauge("gatomesh.engine.batched_sequences", m => m.BatchedSequences, "sum over iterations of the sequences batched");
        Gauge("gatomesh.engine.cache_misses", m => m.CacheMisses, "requests answered with a cache miss");
        Gauge("gatomesh.engine.evictions", m => m.Evictions, "sequences evicted for KV space");
        Gauge("gatomesh.engine.sequences", m => m.Sequences, "sequences holding KV blocks");
        Gauge("gatomesh.engine.kv_blocks_used", m => m.UsedBlocks, "KV blocks in use");
        Gauge("gatomesh.engine.kv_blocks_total", m => m.TotalBlocks, "KV blocks in the pool");
    }

    /// <summary>Publishes an engine's counters as gauges tagged with its silo until the result is disposed.</summary>
    public static IDisposable Track(string silo, Func<EngineMetrics> read)
    {
        var key = new object();
        EngineReaders[key] = (silo, read);
        return new Untrack(key);
    }

    private static void Gauge(string name, Func<EngineMetrics, long> value, string description) =>
        Meter.CreateObservableGauge(name, () => EngineReaders.Values.Select(e =>
            new Measurement<long>(value(e.Read()), new KeyValuePair<string, object?>("silo", e.Silo))), description: description);

    private sealed class Untrack(object key) : IDisposable
    {
        public void Dispose() => EngineReaders.TryRemove(key, out _);
    }

    internal static void Error(GatoMesh.Grains.SessionErrorCode code) =>
        Errors.Add(1, new KeyValuePair<string, object?>("code", code.ToString()));
}
