using System.Text.Json.Nodes;
using GatoMesh.Bench.Engine;
using GatoMesh.Bench.Serving;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Torch;

namespace GatoMesh.Bench.Gpu;

/// <summary>
/// The engine on a CUDA device (bench/gpu/run.sh; bench/README.md, "gpu"), from the self-contained publish, so
/// a GPU host needs no .NET:
/// 1. the device pool on cuda:0 gives the host pool's actions (the check of DevicePoolTests, on the GPU):
///    gato-tiny, eight sequences of mixed lengths with images, greedy, temperature and continuous tokens;
/// 2. gato-79m in bf16 on the synthetic task, engine alone: closed-loop steps/s, the MaxSequences = 1
///    baseline, and the goodput at 20 Hz with p99 &lt; 50 ms;
/// 3. the peer (bench/peer) on the same GPU against an embedded silo on it, through the same fleet.
///
///   GatoMesh.Bench gpu [--preset gato-79m] [--agents 1,64,512,2048,4096] [--goodput-limit 8000] [--seconds 5]
///       [--peer-agents 1,10,100,1000] [--no-peer] [--device cuda:0] [--out gpu]
/// </summary>
internal static class GpuCheck
{
    public static int Run(string[] args)
    {
        var preset = Option(args, "--preset", "gato-79m");
        var agents = Option(args, "--agents", "1,64,512,2048,4096").Split(',').Select(int.Parse).ToArray();
        var limit = int.Parse(Option(args, "--goodput-limit", "8000"));
        var seconds = double.Parse(Option(args, "--seconds", "5"));
        var peerAgents = Option(args, "--peer-agents", "1,10,100,1000").Split(',').Select(int.Parse).ToArray();
        var loadAtStart = LoadAverage.Now();
        // --device cpu runs the same steps on the CPU: a dry run of the script where no GPU is.
        var device = Device.Parse(Option(args, "--device", "cuda:0"));
        if (device.Type == DeviceType.Cuda && Torch.Torch.CudaDeviceCount == 0)
        {
            Console.Error.WriteLine($"bench gpu: the loaded libtorch ({Torch.Torch.Version}) sees no CUDA device; set GATOMESH_NATIVE_DIR to a shim built against a CUDA PyTorch");
            return 1;
        }
        var check = DevicePoolMatchesHost(device);
        Console.Error.WriteLine($"bench gpu: device pool on {device} vs host pool: {check.ToJsonString()}");
        var options = new EngineOptions { Device = device, Precision = ComputePrecision.BFloat16, TokenBudget = 8192, MaxSequences = 8192, KvBytes = 16L << 30 };
        var peakFp32 = Peak(device, DType.Float32);
        var peakBf16 = Peak(device, DType.BFloat16);
        JsonObject engine;
        using (var model = new GatoModel(Presets.Get(preset), seed: 0))
        using (var task = BenchTask.Get("synthetic"))
            engine = EngineBenchmark.RunOne(model, task, options, agents, [1, 64], seconds, 3, limit, peakFp32, peakBf16).GetAwaiter().GetResult();
        var peer = args.Contains("--no-peer") ? null : PeerComparison.RunAsync(preset, ["synthetic"], peerAgents, seconds, options, peerDevice: device.Type == DeviceType.Cuda ? "cuda" : "cpu")
            .GetAwaiter().GetResult();
        BenchResults.Write(Option(args, "--out", "gpu"), new JsonObject
        {
            ["benchmark"] = "gpu",
            ["device"] = device.ToString(),
            ["libtorch"] = Torch.Torch.Version,
            ["matmul_peak_gflops"] = new JsonObject { ["fp32"] = Math.Round(peakFp32, 1), ["bf16"] = Math.Round(peakBf16, 1) },
            ["device_pool_matches_host_pool"] = check,
            ["engine"] = engine,
            ["peer"] = peer,
            ["goal"] = ">= 4000 gato-79m agents at 20 Hz with p99 < 50 ms on one H100",
            ["load_average_at_start_and_end"] = new JsonArray(loadAtStart, LoadAverage.Now()),
        });
        return check["actions_equal"]!.GetValue<bool>() ? 0 : 1;
    }

    /// <summary>An n^3 product on the device (4096 on a GPU, 1024 on a CPU): the peak the ceiling divides by.</summary>
    static double Peak(Device device, DType dtype)
    {
        long n = device.Type == DeviceType.Cuda ? 4096 : 1024;
        using var scope = DisposeScope.Begin();
        var x = Tensor.Randn([n, n], device: device).To(dtype);
        for (var i = 0; i < 3; i++) x.MatMul(x).Sum().Item();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) x.MatMul(x);
        x.Sum().Item(); // waits for the queued products
        return 20 * 2.0 * n * n * n / watch.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>The same batched episodes through a host-pool engine on the CPU and a device-pool engine on
    /// <paramref name="device"/>: are the action tokens the same.</summary>
    static JsonObject DevicePoolMatchesHost(Device device)
    {
        using var model = new GatoModel(Presets.Tiny, seed: 4);
        var host = Episodes(model, new EngineOptions { KvBlocks = 128, TokenBudget = 40 });
        var gpu = Episodes(model, new EngineOptions { KvBlocks = 128, TokenBudget = 40, Device = device, KvPool = KvPoolPlacement.Device });
        return new JsonObject
        {
            ["action_tokens"] = host.Sum(a => a.Length),
            ["actions_equal"] = host.Zip(gpu).All(p => p.First.SequenceEqual(p.Second)),
            ["differing_tokens"] = host.Zip(gpu).Sum(p => p.First.Zip(p.Second).Count(t => t.First != t.Second)),
        };
    }

    static List<long[]> Episodes(GatoModel model, EngineOptions options)
    {
        var engine = new InferenceEngine(model, options);
        try
        {
            var random = new Random(7);
            var config = model.Config;
            var actions = new List<long[]>();
            for (var t = 0; t < 3; t++)
            {
                var requests = Enumerable.Range(0, 8).Select(i =>
                {
                    var n = 1 + random.Next(40);
                    var patches = i % 2 == 0 ? Math.Min(2, n) : 0;
                    long[] ids = [.. Enumerable.Range(0, n).Select(k => k < patches ? TokenBatchInputs.PatchId : random.Next(config.SeparatorId)), config.SeparatorId];
                    var pixels = Enumerable.Range(0, patches * TokenBatchInputs.PatchPixels).Select(_ => (float)(random.NextDouble() * 0.5 - 0.25)).ToArray();
                    var observation = new TokenBatchInputs(ids, [.. Enumerable.Range(0, n + 1).Select(k => (long)k)], pixels,
                        [.. Enumerable.Range(0, patches).Select(_ => (long)random.Next(config.PatchBuckets))],
                        [.. Enumerable.Range(0, patches).Select(_ => (long)random.Next(config.PatchBuckets))]);
                    var range = new TokenRange(config.ContinuousBase, config.SeparatorId) { Continuous = i % 3 == 0 };
                    return engine.ActAsync(new ActRequest
                    {
                        SequenceId = $"s{i}", Timestep = t, Observation = observation, ActionSpec = [range, range],
                        Sampling = i % 2 == 1 ? SamplingParams.WithTemperature(1.2f, (ulong)i) : SamplingParams.Greedy,
                        Context = t == 0 ? new SequenceContext(TokenBatchInputs.Text([], []), []) : null,
                    });
                }).ToArray();
                foreach (var request in requests) actions.Add(((ActResult.Action)request.GetAwaiter().GetResult()).Tokens);
            }
            return actions;
        }
        finally
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
