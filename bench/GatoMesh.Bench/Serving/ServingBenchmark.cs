using System.Text.Json.Nodes;
using GatoMesh.Fleet;
using GatoMesh.Grains.Serving;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Silo;

namespace GatoMesh.Bench.Serving;

/// <summary>
/// The serving path under fleet load (bench/README.md, "serving"). Per preset, on one embedded silo:
/// closed-loop synthetic agents at each count (latency, steps/s, realized batch, memory per session,
/// evictions), the same counts against the baseline silo that batches one sequence per forward pass
/// (EngineOptions.MaxSequences = 1) in the same run, the ratio of their best throughputs, the engine's model
/// FLOP utilization at saturation against a matmul measured in this process, and the goodput: the most 20 Hz
/// paced agents served with p99 under 50 ms and no error, against the compute ceiling of this run's matmul
/// peak, on the synthetic task and on the grid world and cartpole tasks. With --peer, the plain Python policy
/// server (bench/peer) and GatoMesh under the same fleet, 1 to 1000 agents, synthetic and arm7 tasks.
///
///   GatoMesh.Bench serving [--presets gato-tiny,gato-small] [--precision bf16] [--agents 1,10,100,1000,4000]
///       [--baseline-agents 1,10,100] [--seconds 5] [--goodput-seconds 4] [--goodput-limit 4000] [--no-goodput]
///       [--goodput-tasks gridworld,cartpole-swingup] [--attention-threads N]
///       [--peer] [--peer-preset gato-small] [--peer-tasks synthetic,arm7] [--peer-agents 1,10,100,1000] [--out NAME]
/// </summary>
internal static class ServingBenchmark
{
    const double DeadlineMs = 50;
    const double RobotHz = 20;

    public static int Run(string[] args)
    {
        var presets = Option(args, "--presets", "gato-tiny,gato-small").Split(',');
        var agents = Counts(Option(args, "--agents", "1,10,100,1000,4000"));
        var baselineAgents = Counts(Option(args, "--baseline-agents", "1,10,100"));
        var seconds = double.Parse(Option(args, "--seconds", "5"));
        var goodputSeconds = double.Parse(Option(args, "--goodput-seconds", "4"));
        var goodputLimit = int.Parse(Option(args, "--goodput-limit", "4000"));
        var goodput = !args.Contains("--no-goodput");
        var attentionThreads = int.Parse(Option(args, "--attention-threads", new EngineOptions().AttentionThreads.ToString()));
        var precision = ComputePrecisions.Parse(Option(args, "--precision", "bf16"));
        var goodputTasks = Option(args, "--goodput-tasks", "gridworld,cartpole-swingup").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Torch.Torch.Threads = 1;
        var loadAtStart = LoadAverage.Now();

        var results = new JsonArray();
        var peaks = new List<double>();
        var bf16Peaks = new List<double>();
        var engine = new EngineOptions { AttentionThreads = attentionThreads, Precision = precision };
        foreach (var preset in presets)
        {
            // The machine is shared: the peak is taken right before each preset's runs, and the best
            // seen so far is the one MFU divides by (a low reading would flatter MFU).
            peaks.Add(MatmulPeak.Gflops());
            bf16Peaks.Add(MatmulPeak.Gflops(GatoMesh.Torch.DType.BFloat16));
            var peak = new Peaks(peaks.Max(), bf16Peaks.Max());
            Console.Error.WriteLine($"bench serving: (256x256)@(256x1024) matmul fp32 {peaks[^1]:F1}, bf16 {bf16Peaks[^1]:F1} GFLOP/s, best {peak.Fp32:F1} / {peak.Bf16:F1} " +
                                    $"(1 torch thread, OPENBLAS_NUM_THREADS={Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? "unset"})");
            var result = RunPreset(preset, agents, baselineAgents, seconds, goodput ? goodputSeconds : null, goodputLimit, goodputTasks, peak, engine)
                .GetAwaiter().GetResult();
            result["matmul_peak_gflops"] = Math.Round(peak.Fp32, 2);
            result["matmul_peak_gflops_bf16"] = Math.Round(peak.Bf16, 2);
            results.Add(result);
        }
        JsonObject? peer = null;
        if (args.Contains("--peer"))
            peer = PeerComparison.RunAsync(Option(args, "--peer-preset", "gato-small"), Option(args, "--peer-tasks", "synthetic,arm7").Split(','),
                Counts(Option(args, "--peer-agents", "1,10,100,1000")), seconds, engine).GetAwaiter().GetResult();

        BenchResults.Write(Option(args, "--out", "serving"), new JsonObject
        {
            ["benchmark"] = "serving",
            ["attention_threads"] = attentionThreads,
            ["precision"] = precision.Name(),
            ["task"] = SyntheticTask.Name,
            ["seconds_per_point"] = seconds,
            ["matmul_256x256x1024_gflops"] = new JsonArray(peaks.Select(p => (JsonNode)Math.Round(p, 2)).ToArray()),
            ["openblas_threads"] = Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? "unset",
            ["load_average_at_start_and_end"] = new JsonArray(loadAtStart, LoadAverage.Now()),
            ["flops_rule"] = "per processed token: 2 x non-embedding params (block matmul weights and biases) + layers x 4 x keys x attention width, keys = the engine's mean cached tokens per live sequence during the run; model FLOP/s = engine tokens/s x that",
            ["ceiling_rule"] = "ceiling_agents = matmul peak / (2 x non-embedding params x tokens per step x 20 Hz): agents the fp32 peak (the issue's in-process matmul) could serve at 20 Hz if every product ran at it and attention were free; the _bf16 fields divide by the bf16 peak instead",
            ["presets"] = results,
            ["peer"] = peer,
        });
        return 0;
    }

    /// <summary>The run's matmul peaks (GFLOP/s); MFU divides by the one of the served precision.</summary>
    internal sealed record Peaks(double Fp32, double Bf16)
    {
        public double For(ComputePrecision precision) => precision == ComputePrecision.BFloat16 ? Bf16 : Fp32;
    }

    static async Task<JsonObject> RunPreset(string preset, int[] agents, int[] baselineAgents, double seconds,
        double? goodputSeconds, int goodputLimit, string[] goodputTasks, Peaks peaks, EngineOptions engine)
    {
        var peakGflops = peaks.For(engine.Precision);
        var config = Presets.Get(preset);
        var model = ModelSource.FromPreset(preset, seed: 0);
        var served = new JsonArray();
        var baseline = new JsonArray();
        var best = (StepsPerSecond: 0.0, Mfu: 0.0, Agents: 0);
        JsonObject? goodput = null;
        var otherTasks = new JsonObject();

        await using (var serving = await EmbeddedServing.StartAsync(new ServingSiloOptions { Model = model, Engine = engine }))
        {
            await Warm(serving);
            foreach (var n in agents)
            {
                var row = await Point(serving, config, n, seconds, period: null, peakGflops);
                served.Add(row);
                var stepsPerSecond = (double)row["steps_per_s"]!;
                if (stepsPerSecond > best.StepsPerSecond)
                    best = (stepsPerSecond, (double)row["mfu"]!, n);
            }
            if (goodputSeconds is { } probeSeconds)
            {
                goodput = await Goodput(serving, config, SyntheticTask.Name, probeSeconds, goodputLimit, peaks, peakGflops);
                foreach (var task in goodputTasks.Where(t => t != "gridworld"))
                    otherTasks[task] = await Goodput(serving, config, task, probeSeconds, goodputLimit, peaks, peakGflops);
            }
        }
        if (goodputSeconds is { } seconds2 && goodputTasks.Contains("gridworld"))
        {
            // The grid world's mission is text: the silo serves the same weights from a checkpoint with a text model.
            using var task = GatoMesh.Bench.Engine.BenchTask.Get("gridworld");
            using var weights = new GatoModel(config, seed: 0);
            await using var serving = await EmbeddedServing.StartAsync(new ServingSiloOptions { Model = ModelSource.FromCheckpoint(task.Checkpoint(weights)!), Engine = engine });
            await Warm(serving, "gridworld");
            otherTasks["gridworld"] = await Goodput(serving, config, "gridworld", seconds2, goodputLimit, peaks, peakGflops);
        }

        var baselineBest = 0.0;
        await using (var serving = await EmbeddedServing.StartAsync(new ServingSiloOptions { Model = model, Engine = engine with { MaxSequences = 1 } }))
        {
            await Warm(serving);
            foreach (var n in baselineAgents)
            {
                var row = await Point(serving, config, n, seconds, period: null, peakGflops);
                baseline.Add(row);
                baselineBest = Math.Max(baselineBest, (double)row["steps_per_s"]!);
            }
        }

        return new JsonObject
        {
            ["preset"] = preset,
            ["non_embedding_params"] = ServingFlops.NonEmbeddingParameters(config),
            ["context"] = config.Context,
            ["closed_loop"] = served,
            ["baseline_max_sequences_1"] = baseline,
            ["saturation_agents"] = best.Agents,
            ["saturation_steps_per_s"] = Math.Round(best.StepsPerSecond, 1),
            ["baseline_best_steps_per_s"] = Math.Round(baselineBest, 1),
            ["ratio_vs_baseline"] = baselineBest > 0 ? Math.Round(best.StepsPerSecond / baselineBest, 2) : null,
            ["mfu_at_saturation"] = Math.Round(best.Mfu, 4),
            ["memory_per_session_kib"] = MemoryPerSession(served),
            ["goodput_20hz"] = goodput,
            ["goodput_20hz_other_tasks"] = otherTasks,
        };
    }

    /// <summary>A few steps first, so JIT and first allocations are not in the first point.</summary>
    static async Task Warm(EmbeddedServing serving, string task = SyntheticTask.Name)
    {
        await using var target = await serving.ConnectAsync(1);
        await FleetRunner.RunAsync(target, new FleetOptions { Agents = 4, Task = task, Duration = TimeSpan.FromSeconds(1) });
    }

    static Task<JsonObject> Point(EmbeddedServing serving, GatoConfig config, int agents, double seconds, TimeSpan? period, double peakGflops) =>
        Point(serving, config, SyntheticTask.Name, agents, seconds, period, peakGflops);

    static async Task<JsonObject> Point(EmbeddedServing serving, GatoConfig config, string task, int agents, double seconds, TimeSpan? period, double peakGflops)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(false);
        var workingSetBefore = Environment.WorkingSet;
        var engineBefore = serving.Silo.EngineMetrics;
        long? heapDuring = null, workingSetDuring = null;
        var cachedPerSequence = 0.0;
        // Thousands of closed-loop agents need a few rounds of steps before the figures settle.
        var duration = TimeSpan.FromSeconds(Math.Max(seconds, agents / 200.0));
        var blockSize = new EngineOptions().BlockSize;
        await using var target = await serving.ConnectAsync(Math.Clamp(agents / 250, 1, 16));
        var cpuBefore = ThreadCpu.Read();
        var report = await FleetRunner.RunAsync(target, new FleetOptions
        {
            Agents = agents,
            Task = task,
            Duration = duration,
            Period = period,
            OpenConcurrency = 128,
        }, progress =>
        {
            // Memory once, halfway, while every session is open and stepping: live objects only (a full
            // collection), so the figure is what sessions hold, not garbage. Paced probes skip it: the
            // collection's pause would land in the latencies they judge.
            if (period is null && heapDuring is null && progress.Elapsed >= duration / 2)
            {
                heapDuring = GC.GetTotalMemory(forceFullCollection: true);
                workingSetDuring = Environment.WorkingSet;
            }
            var m = serving.Silo.EngineMetrics;
            if (m.Sequences > 0)
                cachedPerSequence = (double)m.UsedBlocks * blockSize / m.Sequences;
        });
        var engineAfter = serving.Silo.EngineMetrics;
        var cpu = ThreadCpu.Since(cpuBefore);
        var tokensPerSecond = (report.EngineTokens ?? 0) / report.DurationS;
        var flopsPerToken = ServingFlops.PerToken(config, cachedPerSequence);
        var mfu = tokensPerSecond * flopsPerToken / (peakGflops * 1e9);
        Console.Error.WriteLine($"bench serving: {config.Preset} {task} {(period is null ? "closed loop" : $"paced {period.Value.TotalMilliseconds} ms")} " +
                                $"agents {agents}: {report.StepsPerSecond:F1} steps/s, p50 {report.P50Ms:F1} p99 {report.P99Ms:F1} ms, " +
                                $"batch {report.MeanBatchSequences:F1} seq / {report.MeanBatch:F1} tok, errors {report.Errors}, MFU {mfu:P1}");
        var row = report.ToJson();
        row["engine_tokens_per_s"] = Math.Round(tokensPerSecond, 1);
        row["tokens_per_step"] = report.Steps > 0 && report.EngineTokens is { } engineTokens ? Math.Round((double)engineTokens / report.Steps, 2) : null;
        row["mean_cached_tokens_per_sequence"] = Math.Round(cachedPerSequence, 1);
        row["mfu"] = Math.Round(mfu, 4);
        row["mfu_matmul_only"] = Math.Round(tokensPerSecond * ServingFlops.PerToken(config, 0) / (peakGflops * 1e9), 4);
        row["engine_iteration_ms"] = report.EngineIterations is > 0 ? Math.Round(report.DurationS * 1000 / report.EngineIterations.Value, 2) : null;
        // Whole run (open, step, close), by thread role: what to make faster.
        row["cpu_seconds_by_thread"] = new JsonObject(cpu.Where(e => e.Value > 0).OrderByDescending(e => e.Value).Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value)));
        row["evictions"] = engineAfter.Evictions - engineBefore.Evictions;
        row["cache_misses"] = engineAfter.CacheMisses - engineBefore.CacheMisses;
        if (heapDuring is { } heap && workingSetDuring is { } workingSet)
        {
            row["gc_heap_mib"] = Math.Round(heap / 1048576.0, 1);
            row["working_set_mib"] = Math.Round(workingSet / 1048576.0, 1);
            row["gc_heap_per_session_kib"] = Math.Round((heap - heapBefore) / 1024.0 / agents, 1);
            row["working_set_per_session_kib"] = Math.Round((workingSet - workingSetBefore) / 1024.0 / agents, 1);
        }
        return row;
    }

    static async Task<JsonObject> Goodput(EmbeddedServing serving, GatoConfig config, string task, double seconds, int limit, Peaks peaks, double peakGflops)
    {
        var probes = new JsonArray();
        await Warm(serving, task);
        var (bestAgents, _) = await GoodputSearch.FindAsync(start: 16, limit, resolution: 0.1, async agents =>
        {
            var row = await Point(serving, config, task, agents, seconds, TimeSpan.FromMilliseconds(DeadlineMs), peakGflops);
            probes.Add(row);
            return (long)row["errors"]! == 0 && (double)row["p99_ms"]! < DeadlineMs && (long)row["steps"]! > 0;
        });
        // Tokens a step puts through the model (observation and action tokens, recomputes included), from the probes.
        var tokensPerStep = probes.OfType<JsonObject>().Select(r => r["tokens_per_step"]?.GetValue<double>() ?? 0).Where(t => t > 0).DefaultIfEmpty(0).Average();
        var perAgent = 2 * ServingFlops.NonEmbeddingParameters(config) * tokensPerStep * RobotHz;
        var ceiling = perAgent > 0 ? peaks.Fp32 * 1e9 / perAgent : 0;
        var ceilingBf16 = perAgent > 0 ? peaks.Bf16 * 1e9 / perAgent : 0;
        Console.Error.WriteLine($"bench serving: {config.Preset} {task} goodput at 20 Hz: {bestAgents} agents; ceiling {ceiling:F0} (fp32 peak), {ceilingBf16:F0} (bf16 peak)");
        return new JsonObject
        {
            ["task"] = task,
            ["agents"] = bestAgents,
            ["tokens_per_step"] = Math.Round(tokensPerStep, 2),
            ["ceiling_agents"] = Math.Round(ceiling, 1),
            ["fraction_of_ceiling"] = ceiling > 0 ? Math.Round(bestAgents / ceiling, 3) : null,
            ["ceiling_agents_bf16_peak"] = Math.Round(ceilingBf16, 1),
            ["fraction_of_bf16_ceiling"] = ceilingBf16 > 0 ? Math.Round(bestAgents / ceilingBf16, 3) : null,
            ["rule"] = "most agents, each sending one observation every 50 ms, with p99 < 50 ms and no error; doubling from 16, then bisection to 10%",
            ["probes"] = probes,
        };
    }

    /// <summary>GC heap growth per added session between the two largest closed-loop counts: fixed costs
    /// (model, KV pool, code) cancel, what is left is what a session costs (grain state, context, client).</summary>
    static JsonNode? MemoryPerSession(JsonArray rows)
    {
        var measured = rows.OfType<JsonObject>().Where(r => r.ContainsKey("gc_heap_mib")).OrderBy(r => (int)r["agents"]!).ToList();
        if (measured.Count < 2)
            return null;
        var (small, large) = (measured[^2], measured[^1]);
        var sessions = (int)large["agents"]! - (int)small["agents"]!;
        double Slope(string field) => Math.Round(((double)large[field]! - (double)small[field]!) * 1024 / sessions, 1);
        return new JsonObject
        {
            ["between_agents"] = new JsonArray((int)small["agents"]!, (int)large["agents"]!),
            ["gc_heap_kib"] = Slope("gc_heap_mib"),
            ["working_set_kib"] = Slope("working_set_mib"),
        };
    }

    static int[] Counts(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

    static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
