using System.Diagnostics;
using System.Text.Json.Nodes;
using GatoMesh.Torch;

namespace GatoMesh.Bench;

/// <summary>
/// The binding's cost (issue: foundation). Two workloads, each timed through GatoMesh.Torch and by
/// bench/native/torch_baseline (C++ straight against libtorch), alternating rounds in one run so
/// machine noise hits both sides alike:
/// - add of two 64-float tensors, result freed each time (goal: binding / C++ under 1.5x);
/// - 1024x1024x1024 fp32 matmul GFLOP/s (goal: within 5% of C++).
/// Both sides use the same intra-op thread count (1 by default: MACHINE.md).
/// </summary>
internal static class TorchBindingBenchmark
{
    public static int Run(string[] args)
    {
        var threads = args.Length > 0 ? int.Parse(args[0]) : 1;
        const int addIterations = 200_000, matmulIterations = 10, rounds = 5;
        var baseline = Path.Combine(BenchResults.RepoRoot(), "bench", "native", "build", "torch_baseline");
        if (!File.Exists(baseline))
            throw new FileNotFoundException("build the C++ baseline first (bench/run.sh torch does)", baseline);
        Torch.Torch.Threads = threads;

        var managedAdd = new List<double>(); var nativeAdd = new List<double>();
        var managedMatmul = new List<double>(); var nativeMatmul = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var (add, gflops) = RunBaseline(baseline, threads, addIterations, matmulIterations);
            nativeAdd.Add(add); nativeMatmul.Add(gflops);
            managedAdd.Add(AddNanoseconds(addIterations));
            managedMatmul.Add(MatmulGflops(matmulIterations));
            Console.Error.WriteLine($"bench torch: round {round + 1}/{rounds}: add {managedAdd[^1]:F0} ns vs {add:F0} ns, matmul {managedMatmul[^1]:F1} vs {gflops:F1} GFLOP/s");
        }

        double addBinding = Median(managedAdd), addCpp = Median(nativeAdd);
        double mmBinding = Median(managedMatmul), mmCpp = Median(nativeMatmul);
        BenchResults.Write("torch-binding", new JsonObject
        {
            ["threads"] = threads,
            ["libtorch"] = Torch.Torch.Version,
            ["add64_ns_binding"] = Math.Round(addBinding, 1),
            ["add64_ns_cpp"] = Math.Round(addCpp, 1),
            ["add64_ratio"] = Math.Round(addBinding / addCpp, 3),
            ["add64_goal"] = "ratio < 1.5",
            ["matmul1024_gflops_binding"] = Math.Round(mmBinding, 2),
            ["matmul1024_gflops_cpp"] = Math.Round(mmCpp, 2),
            ["matmul1024_ratio"] = Math.Round(mmBinding / mmCpp, 3),
            ["matmul1024_goal"] = "ratio >= 0.95",
        });
        return 0;
    }

    private static double AddNanoseconds(int iterations)
    {
        using var a = Tensor.Randn([64]);
        using var b = Tensor.Randn([64]);
        var samples = new List<double>();
        for (var rep = 0; rep < 7; rep++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                using var c = a.Add(b);
            }
            samples.Add(watch.Elapsed.TotalNanoseconds / iterations);
        }
        return Median(samples);
    }

    private static double MatmulGflops(int iterations)
    {
        using var x = Tensor.Randn([1024, 1024]);
        using var y = Tensor.Randn([1024, 1024]);
        using (x.MatMul(y)) { }
        var samples = new List<double>();
        for (var rep = 0; rep < iterations; rep++)
        {
            var watch = Stopwatch.StartNew();
            using (x.MatMul(y)) { }
            samples.Add(2.0 * 1024 * 1024 * 1024 / watch.Elapsed.TotalSeconds / 1e9);
        }
        return Median(samples);
    }

    private static (double AddNs, double Gflops) RunBaseline(string exe, int threads, int addIterations, int matmulIterations)
    {
        var info = new ProcessStartInfo(exe, [threads.ToString(), addIterations.ToString(), matmulIterations.ToString()])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{exe} exited with {process.ExitCode}");
        var json = JsonNode.Parse(output)!;
        return ((double)json["add_ns"]!, (double)json["matmul_gflops"]!);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
