using System.Diagnostics;
using System.Text.Json.Nodes;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Torch;

namespace GatoMesh.Bench.Model;

/// <summary>
/// The inference engine's throughput (bench/README.md): prefill tokens/s and decode steps/s for
/// gato-small at each (batch, context) point, against the same model and weights in eager PyTorch
/// with a KV cache (bench/model/pytorch_baseline.py, Debian's python3-torch) on the same inputs,
/// alternating point by point in one run so machine noise hits both sides alike; model FLOP
/// utilization against a 1024^3 fp32 matmul measured in the same run. Both sides use 1 intra-op
/// thread (on 2 cores one fp32 torch thread is fastest); bench/run.sh also gives both one OpenBLAS thread. Goal: engine/PyTorch decode >= 1.5 at batch 64 and >= 1.0 at batch 1.
///
///   GatoMesh.Bench model [--points 1x256,64x256] [--decode-steps 32] [--attention-threads N]
/// </summary>
internal static class ModelBenchmark
{
    private const int ActionTokens = 16; // action tokens per engine request in the decode phase
    private static int EngineAttentionThreads;

    public static int Run(string[] args)
    {
        var points = Option(args, "--points", "1x256,8x256,64x256,256x256,1x1024,64x1024")
            .Split(',').Select(p => p.Split('x')).Select(p => (Batch: int.Parse(p[0]), Context: int.Parse(p[1]))).ToList();
        var steps = int.Parse(Option(args, "--decode-steps", "32"));
        EngineAttentionThreads = int.Parse(Option(args, "--attention-threads", Environment.ProcessorCount.ToString()));
        var rounds = Math.Max(1, steps / ActionTokens);
        steps = rounds * ActionTokens;
        Torch.Torch.Threads = 1;

        var config = Presets.Small;
        using var model = new GatoModel(config, seed: 0);
        var checkpoint = Path.Combine(Path.GetTempPath(), $"gatomesh-bench-model-{Environment.ProcessId}");
        Checkpoint.Save(model, checkpoint);
        try
        {
            var peak = MatmulGflops();
            Console.Error.WriteLine($"bench model: 1024^3 matmul peak {peak:F1} GFLOP/s");
            RunPoint(model, 1, 64, rounds); // warm up the JIT and the allocator
            var results = new JsonArray();
            foreach (var (batch, context) in points)
            {
                var baseline = RunBaseline(checkpoint, batch, context, steps);
                var engine = RunPoint(model, batch, context, rounds);
                var decodeFlops = FlopsPerToken(config, context + steps / 2, logits: true);
                var prefillFlops = FlopsPerToken(config, context / 2, logits: false);
                var row = new JsonObject
                {
                    ["batch"] = batch,
                    ["context"] = context,
                    ["decode_steps_per_s"] = Math.Round(engine.DecodePerS, 1),
                    ["decode_steps_per_s_pytorch"] = Math.Round(baseline.DecodePerS, 1),
                    ["decode_ratio"] = Math.Round(engine.DecodePerS / baseline.DecodePerS, 3),
                    ["prefill_tokens_per_s"] = Math.Round(engine.PrefillPerS, 1),
                    ["prefill_tokens_per_s_pytorch"] = Math.Round(baseline.PrefillPerS, 1),
                    ["prefill_ratio"] = Math.Round(engine.PrefillPerS / baseline.PrefillPerS, 3),
                    ["decode_mfu"] = Math.Round(engine.DecodePerS * decodeFlops / (peak * 1e9), 4),
                    ["decode_mfu_pytorch"] = Math.Round(baseline.DecodePerS * decodeFlops / (peak * 1e9), 4),
                    ["prefill_mfu"] = Math.Round(engine.PrefillPerS * prefillFlops / (peak * 1e9), 4),
                    ["prefill_mfu_pytorch"] = Math.Round(baseline.PrefillPerS * prefillFlops / (peak * 1e9), 4),
                    ["same_first_action"] = engine.FirstAction == baseline.FirstAction,
                };
                Console.Error.WriteLine($"bench model: {row.ToJsonString()}");
                results.Add(row);
            }
            BenchResults.Write("model", new JsonObject
            {
                ["preset"] = config.Preset,
                ["params"] = TensorLayout.Parameters(config),
                ["params_non_embedding"] = TensorLayout.NonEmbeddingParameters(config),
                ["torch_threads"] = 1,
                ["engine_attention_threads"] = EngineAttentionThreads,
                ["openblas_threads"] = Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? "OpenBLAS default",
                ["libtorch"] = Torch.Torch.Version,
                ["baseline"] = "bench/model/pytorch_baseline.py: eager PyTorch (Debian python3-torch), same safetensors weights, preallocated KV cache, same token ids",
                ["decode_steps"] = steps,
                ["decode_definition"] = $"one sampled action token per sequence; the engine decodes {ActionTokens}-token actions (each after a 1-token observation), PyTorch feeds each sampled token back",
                ["prefill_definition"] = "batch x context tokens (context-1 prompt tokens and a separator) until the first action of every sequence",
                ["matmul1024_peak_gflops"] = Math.Round(peak, 2),
                ["goal"] = "decode_ratio >= 1.5 at batch 64 and >= 1.0 at batch 1",
                ["caveat"] = "2-core machine shared with other engineers' builds while measuring: figures are noisy; ratios come from alternating runs",
                ["points"] = results,
            });
            return 0;
        }
        finally
        {
            Directory.Delete(checkpoint, recursive: true);
        }
    }

    private sealed record Throughput(double PrefillPerS, double DecodePerS, long FirstAction);

    /// <summary>The engine side: B sequences prefilled with their whole context in one request each,
    /// then <paramref name="rounds"/> rounds of a one-token observation and a 16-token action.</summary>
    private static Throughput RunPoint(GatoModel model, int batch, int context, int rounds)
    {
        var config = model.Config;
        var window = context + rounds * (ActionTokens + 1) + 16;
        var options = new EngineOptions
        {
            KvBlocks = batch * ((window + 15) / 16 + 3),
            ContextWindow = window,
            MaxSequences = Math.Max(256, batch),
            TorchThreads = 1,
            AttentionThreads = EngineAttentionThreads,
        };
        var bins = new TokenRange(config.ContinuousBase, config.SeparatorId);
        var separator = TokenBatchInputs.Text([config.SeparatorId], [0]);
        var engine = new InferenceEngine(model, options);
        try
        {
            var watch = Stopwatch.StartNew();
            var prefill = Task.WhenAll(Enumerable.Range(0, batch).Select(b => engine.ActAsync(new ActRequest
            {
                SequenceId = $"s{b}",
                Timestep = 0,
                Observation = separator,
                ActionSpec = [bins],
                Context = new SequenceContext(Prompt(config, b, context), []),
            }))).GetAwaiter().GetResult();
            var prefillS = watch.Elapsed.TotalSeconds;
            var first = ((ActResult.Action)prefill[0]).Tokens[0];

            var spec = Enumerable.Repeat(bins, ActionTokens).ToArray();
            watch.Restart();
            for (var r = 1; r <= rounds; r++)
            {
                var step = r;
                var results = Task.WhenAll(Enumerable.Range(0, batch).Select(b => engine.ActAsync(new ActRequest
                {
                    SequenceId = $"s{b}",
                    Timestep = step,
                    Observation = separator,
                    ActionSpec = spec,
                }))).GetAwaiter().GetResult();
                if (results.Any(x => x is not ActResult.Action))
                    throw new InvalidOperationException("the benchmark's KV pool was sized to hold every sequence; a cache miss means it did not");
            }
            var decodeS = watch.Elapsed.TotalSeconds;
            return new Throughput((double)batch * context / prefillS, (double)batch * rounds * ActionTokens / decodeS, first);
        }
        finally
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>context-1 prompt tokens and the separator: the same ids as pytorch_baseline.py's prompt_tokens.</summary>
    private static TokenBatchInputs Prompt(GatoConfig config, int b, int context)
    {
        var ids = new long[context - 1];
        var positions = new long[context - 1];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = ((long)b * 7919 + (long)i * 104729) % config.SeparatorId;
            positions[i] = i % 500;
        }
        return TokenBatchInputs.Text(ids, positions);
    }

    private static Throughput RunBaseline(string checkpoint, int batch, int context, int steps)
    {
        var script = Path.Combine(BenchResults.RepoRoot(), "bench", "model", "pytorch_baseline.py");
        var info = new ProcessStartInfo("/usr/bin/python3", [script, checkpoint, "--points", $"{batch}x{context}", "--decode-steps", steps.ToString(), "--threads", "1"])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} exited with {process.ExitCode}");
        var point = JsonNode.Parse(output)!["points"]![0]!;
        return new Throughput((double)point["prefill_tokens_per_s"]!, (double)point["decode_steps_per_s"]!, (long)point["first_actions"]![0]!);
    }

    /// <summary>Forward FLOPs of one token attending <paramref name="keys"/> keys: 2 per weight of
    /// every block matmul, attention scores and mixing (2 x 2 x keys x heads x kv_size per block),
    /// and the restricted output projection (1024 bins) when the token samples.</summary>
    private static double FlopsPerToken(GatoConfig c, int keys, bool logits)
    {
        double w = c.Width, a = c.AttentionWidth, f = c.Ffn;
        var perBlock = 2 * (w * 3 * a + a * w + 2 * w * f) + 4.0 * keys * a;
        return c.Layers * perBlock + (logits ? 2 * w * GatoConfig.Bins : 0);
    }

    private static double MatmulGflops()
    {
        using var x = Tensor.Randn([1024, 1024]);
        using var y = Tensor.Randn([1024, 1024]);
        using (x.MatMul(y)) { }
        var samples = new List<double>();
        for (var rep = 0; rep < 10; rep++)
        {
            var watch = Stopwatch.StartNew();
            using (x.MatMul(y)) { }
            samples.Add(2.0 * 1024 * 1024 * 1024 / watch.Elapsed.TotalSeconds / 1e9);
        }
        return samples.Order().ElementAt(samples.Count / 2);
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
