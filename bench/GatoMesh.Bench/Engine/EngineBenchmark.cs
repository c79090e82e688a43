using System.Diagnostics;
using System.Text.Json.Nodes;
using GatoMesh.Bench.Serving;
using GatoMesh.Fleet;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Torch;

namespace GatoMesh.Bench.Engine;

/// <summary>
/// The inference engine alone under agent load (bench/README.md, "engine"): agents of a fleet task call
/// <see cref="InferenceEngine.ActAsync"/> in this process, with no gateway, grain or client around it,
/// so what the engine gains is visible apart from the serving path. Per preset, task and precision:
/// closed-loop steps/s and latency at each agent count, the same counts against an engine that runs one
/// sequence per iteration (<see cref="EngineOptions.MaxSequences"/> = 1, the per-agent baseline) in the
/// same run, MFU, and the goodput: the most agents paced at 20 Hz with p99 under 50 ms, against the
/// compute ceiling from this run's matmul peak.
///
///   GatoMesh.Bench engine [--presets gato-tiny,gato-small] [--tasks synthetic,arm7] [--precisions fp32,bf16]
///       [--agents 1,16,64,256] [--baseline-agents 1,16] [--seconds 4] [--goodput-seconds 3] [--goodput-limit 4000]
///       [--no-goodput] [--torch-threads 1] [--out engine]
/// </summary>
internal static class EngineBenchmark
{
    const double DeadlineMs = 50;
    const double RobotHz = 20;

    public static int Run(string[] args)
    {
        var presets = Option(args, "--presets", "gato-tiny,gato-small").Split(',');
        var tasks = Option(args, "--tasks", "synthetic,arm7").Split(',');
        var precisions = Option(args, "--precisions", "fp32,bf16").Split(',').Select(ComputePrecisions.Parse).ToArray();
        var agents = Counts(Option(args, "--agents", "1,16,64,256"));
        var baselineAgents = Counts(Option(args, "--baseline-agents", "1,16"));
        var seconds = double.Parse(Option(args, "--seconds", "4"));
        var goodputSeconds = args.Contains("--no-goodput") ? (double?)null : double.Parse(Option(args, "--goodput-seconds", "3"));
        var goodputLimit = int.Parse(Option(args, "--goodput-limit", "4000"));
        var torchThreads = int.Parse(Option(args, "--torch-threads", "1"));
        Torch.Torch.Threads = torchThreads;
        var loadAtStart = LoadAverage.Now();

        var peaks = new JsonObject();
        var peakFp32 = MatmulPeak.Gflops(DType.Float32);
        var peakBf16 = MatmulPeak.Gflops(DType.BFloat16);
        Console.Error.WriteLine($"bench engine: (256x256)@(256x1024) matmul fp32 {peakFp32:F1}, bf16 {peakBf16:F1} GFLOP/s (1 torch thread)");
        var runs = new JsonArray();
        foreach (var preset in presets)
        {
            using var model = new GatoModel(Presets.Get(preset), seed: 0);
            foreach (var taskName in tasks)
            {
                using var task = BenchTask.Get(taskName);
                foreach (var precision in precisions)
                {
                    var options = new EngineOptions { TorchThreads = torchThreads, Precision = precision };
                    var run = RunOne(model, task, options, agents, baselineAgents, seconds, goodputSeconds, goodputLimit, peakFp32, peakBf16)
                        .GetAwaiter().GetResult();
                    runs.Add(run);
                }
            }
        }
        peaks["fp32"] = Math.Round(peakFp32, 1);
        peaks["bf16"] = Math.Round(peakBf16, 1);
        BenchResults.Write(Option(args, "--out", "engine"), new JsonObject
        {
            ["benchmark"] = "engine",
            ["matmul_256x256x1024_gflops"] = peaks,
            ["torch_threads"] = torchThreads,
            ["openblas_threads"] = Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? "unset",
            ["load_average_at_start_and_end"] = new JsonArray(loadAtStart, LoadAverage.Now()),
            ["ceiling_rule"] = "peak / (2 x non-embedding params x tokens per step x 20 Hz): the agents the matmul peak could serve at 20 Hz if every product ran at it and attention were free; fp32 peak (OpenBLAS) as the issue defines it, the bf16 peak beside it",
            ["runs"] = runs,
        });
        return 0;
    }

    internal static async Task<JsonObject> RunOne(GatoModel model, BenchTask task, EngineOptions options, int[] agents, int[] baselineAgents,
        double seconds, double? goodputSeconds, int goodputLimit, double peakFp32, double peakBf16)
    {
        var config = model.Config;
        var label = $"{config.Preset} {task.Name} {options.Precision.Name()}";
        var peak = options.Precision == ComputePrecision.BFloat16 ? peakBf16 : peakFp32;
        var closed = new JsonArray();
        var best = (StepsPerSecond: 0.0, Mfu: 0.0, Agents: 0);
        var tokensPerStep = 0.0;
        JsonObject? goodput = null;
        await using (var engine = new InferenceEngine(model, options))
        {
            await Point(engine, model, task, 4, 1, 0, peak, label); // JIT and first allocations
            foreach (var n in agents)
            {
                var row = await Point(engine, model, task, n, seconds, 0, peak, label);
                closed.Add(row);
                tokensPerStep = (double)row["tokens_per_step"]!;
                if ((double)row["steps_per_s"]! > best.StepsPerSecond)
                    best = ((double)row["steps_per_s"]!, (double)row["mfu"]!, n);
            }
            if (goodputSeconds is { } probeSeconds)
            {
                var probes = new JsonArray();
                var (bestAgents, _) = await GoodputSearch.FindAsync(start: 16, goodputLimit, resolution: 0.1, async n =>
                {
                    var row = await Point(engine, model, task, n, probeSeconds, 1000 / RobotHz, peak, label);
                    probes.Add(row);
                    return (double)row["p99_ms"]! < DeadlineMs && (long)row["steps"]! > 0;
                });
                var perAgent = 2 * ServingFlops.NonEmbeddingParameters(config) * tokensPerStep * RobotHz;
                goodput = new JsonObject
                {
                    ["agents"] = bestAgents,
                    ["ceiling_agents"] = Math.Round(peakFp32 * 1e9 / perAgent, 1),
                    ["fraction_of_ceiling"] = Math.Round(bestAgents / (peakFp32 * 1e9 / perAgent), 3),
                    ["ceiling_agents_bf16_peak"] = Math.Round(peakBf16 * 1e9 / perAgent, 1),
                    ["fraction_of_bf16_ceiling"] = Math.Round(bestAgents / (peakBf16 * 1e9 / perAgent), 3),
                    ["rule"] = "most agents, each sending one observation every 50 ms, with p99 < 50 ms; doubling from 16, then bisection to 10%",
                    ["probes"] = probes,
                };
            }
        }
        var baseline = new JsonArray();
        var baselineBest = 0.0;
        await using (var engine = new InferenceEngine(model, options with { MaxSequences = 1 }))
        {
            await Point(engine, model, task, 4, 1, 0, peak, label + " baseline");
            foreach (var n in baselineAgents)
            {
                var row = await Point(engine, model, task, n, seconds, 0, peak, label + " baseline");
                baseline.Add(row);
                baselineBest = Math.Max(baselineBest, (double)row["steps_per_s"]!);
            }
        }
        return new JsonObject
        {
            ["preset"] = config.Preset,
            ["task"] = task.Name,
            ["precision"] = options.Precision.Name(),
            ["token_budget"] = options.TokenBudget,
            ["tokens_per_step"] = Math.Round(tokensPerStep, 2),
            ["closed_loop"] = closed,
            ["baseline_max_sequences_1"] = baseline,
            ["saturation_agents"] = best.Agents,
            ["saturation_steps_per_s"] = Math.Round(best.StepsPerSecond, 1),
            ["baseline_best_steps_per_s"] = Math.Round(baselineBest, 1),
            ["ratio_vs_baseline"] = baselineBest > 0 ? Math.Round(best.StepsPerSecond / baselineBest, 2) : null,
            ["mfu_at_saturation"] = Math.Round(best.Mfu, 4),
            ["goodput_20hz"] = goodput,
        };
    }

    /// <summary>One measured point: <paramref name="count"/> fresh agents for <paramref name="seconds"/>,
    /// closed loop (<paramref name="periodMs"/> 0) or paced.</summary>
    static async Task<JsonObject> Point(InferenceEngine engine, GatoModel model, BenchTask task, int count, double seconds, double periodMs,
        double peakGflops, string label)
    {
        var config = model.Config;
        var blockSize = new EngineOptions().BlockSize;
        var agents = Enumerable.Range(0, count).Select(i => new EngineAgent(i, task, config)).ToArray();
        var latency = new LatencySamples();
        var before = engine.Metrics;
        var cached = new List<double>();
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
        var duration = TimeSpan.FromSeconds(Math.Max(seconds, count / 400.0));
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var period = (long)(periodMs / 1000 * Stopwatch.Frequency);
        var running = agents.Select((a, i) => Task.Run(() =>
            a.RunAsync(engine, start + (period > 0 ? period * i / count : 0), end, period, latency, CancellationToken.None))).ToArray();
        var all = Task.WhenAll(running);
        while (await Task.WhenAny(all, Task.Delay(100)) != all)
        {
            var m = engine.Metrics;
            if (m.Sequences > 0 && Stopwatch.GetTimestamp() > start)
                cached.Add((double)m.UsedBlocks * blockSize / m.Sequences);
        }
        await all;
        var after = engine.Metrics;
        foreach (var agent in agents)
        {
            agent.Release(engine);
            agent.Dispose();
        }
        var summary = latency.Summarize();
        var iterations = after.Iterations - before.Iterations;
        var tokens = after.DecodeTokens + after.PrefillTokens - before.DecodeTokens - before.PrefillTokens;
        var stepsPerSecond = summary.Count / duration.TotalSeconds;
        var context = cached.Count > 0 ? cached.Average() : 0;
        var mfu = tokens / duration.TotalSeconds * ServingFlops.PerToken(config, context) / (peakGflops * 1e9);
        var tokensPerStep = (double)agents.Sum(a => a.StepTokens) / Math.Max(1, agents.Sum(a => a.Steps));
        Console.Error.WriteLine($"bench engine: {label} {(periodMs > 0 ? "paced" : "closed")} agents {count}: {stepsPerSecond:F1} steps/s, " +
                                $"p50 {summary.P50:F1} p99 {summary.P99:F1} ms, iteration {(iterations > 0 ? duration.TotalMilliseconds / iterations : 0):F2} ms, " +
                                $"{(iterations > 0 ? (double)tokens / iterations : 0):F1} tokens/iteration, MFU {mfu:P1}");
        return new JsonObject
        {
            ["agents"] = count,
            ["period_ms"] = periodMs > 0 ? periodMs : null,
            ["steps"] = (long)summary.Count,
            ["steps_per_s"] = Math.Round(stepsPerSecond, 1),
            ["p50_ms"] = Math.Round(summary.P50, 2),
            ["p95_ms"] = Math.Round(summary.P95, 2),
            ["p99_ms"] = Math.Round(summary.P99, 2),
            ["max_ms"] = Math.Round(summary.Max, 2),
            ["engine_iteration_ms"] = iterations > 0 ? Math.Round(duration.TotalMilliseconds / iterations, 3) : null,
            ["tokens_per_iteration"] = iterations > 0 ? Math.Round((double)tokens / iterations, 1) : null,
            ["sequences_per_iteration"] = iterations > 0 ? Math.Round((double)(after.BatchedSequences - before.BatchedSequences) / iterations, 1) : null,
            ["tokens_per_step"] = Math.Round(tokensPerStep, 2),
            ["mean_cached_tokens_per_sequence"] = Math.Round(context, 1),
            ["mfu"] = Math.Round(mfu, 4),
            ["cache_misses"] = after.CacheMisses - before.CacheMisses,
        };
    }

    static int[] Counts(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

    static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
