using System.Diagnostics;
using GatoMesh.Runtime;
using GatoMesh.Runtime.Client;
using GatoMesh.Runtime.TestGrains;

namespace GatoMesh.Cli.Commands.Bench;

/// <summary>The phases of <c>gatomesh bench runtime</c>; progress goes to stderr.</summary>
internal static class RuntimeBench
{
    private const int CallersPerSilo = 2;
    private const int InFlightPerCaller = 64;

    public static async Task<RuntimeBenchResult> RunAsync(RuntimeBenchSettings settings, CancellationToken cancellation)
    {
        double load = LoadAverage();
        await using var cluster = await BenchCluster.StartAsync(settings.Silos, cancellation);
        await using var client = new ClusterClient(new ClientOptions { Gateways = cluster.Gateways });
        var keys = Enumerable.Range(0, settings.Grains).Select(i => $"bench-{i}").ToArray();

        Progress($"activating {keys.Length} grains until every silo's view agrees");
        int duplicatesBefore = await ActivateUntilPlacedAsync(client, cluster.Gateways, keys, cancellation);

        Progress("local grain-to-grain calls");
        double local = await ThroughputAsync(client, settings, remote: false);
        Progress("cross-silo grain-to-grain calls");
        double remote = await ThroughputAsync(client, settings, remote: true);
        Progress("client call latency through a gateway");
        double p99 = await P99Async(client, settings.Seconds);

        Progress("kill -9 of one silo");
        cluster.KillOne();
        var clock = Stopwatch.StartNew();
        await using var survivorsClient = new ClusterClient(new ClientOptions { Gateways = cluster.Gateways });
        await EveryGrainAnswersAsync(survivorsClient, keys, cancellation);
        double recovery = clock.Elapsed.TotalSeconds;
        int duplicatesAfter = await DuplicatesAsync(survivorsClient, cluster.Gateways);

        return new RuntimeBenchResult
        {
            Silos = settings.Silos,
            Grains = settings.Grains,
            LocalCallsPerS = Math.Round(local),
            RemoteCallsPerS = Math.Round(remote),
            P99CallMs = Math.Round(p99, 3),
            DuplicateActivations = duplicatesBefore + duplicatesAfter,
            RecoveryS = Math.Round(recovery, 3),
            Machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            LoadAverage1m = load,
        };
    }

    /// <summary>Activates every grain, waits until the silos' listings account for each grain, and
    /// returns the number of grains listed by more than one silo.</summary>
    private static async Task<int> ActivateUntilPlacedAsync(ClusterClient client, IReadOnlyList<string> gateways, string[] keys, CancellationToken cancellation)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await EveryGrainAnswersAsync(client, keys, cancellation);
            var lists = await Task.WhenAll(gateways.Select(client.ListActivationsAsync));
            var counters = lists.SelectMany(l => l.Where(g => g.Type == typeof(ICounterGrain).FullName)).ToList();
            if (counters.Count == keys.Length || DateTime.UtcNow > until)
                return counters.Count - counters.Distinct().Count();
            await Task.Delay(200, cancellation);
        }
    }

    private static async Task<int> DuplicatesAsync(ClusterClient client, IReadOnlyList<string> gateways)
    {
        var lists = await Task.WhenAll(gateways.Select(client.ListActivationsAsync));
        var counters = lists.SelectMany(l => l.Where(g => g.Type == typeof(ICounterGrain).FullName)).ToList();
        return counters.Count - counters.Distinct().Count();
    }

    /// <summary>Calls Get on every grain, retrying each through typed runtime errors, until all answered.</summary>
    private static async Task EveryGrainAnswersAsync(ClusterClient client, string[] keys, CancellationToken cancellation)
    {
        foreach (var chunk in keys.Chunk(1000))
        {
            await Task.WhenAll(chunk.Select(async k =>
            {
                var until = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    try
                    {
                        await client.GetGrain<ICounterGrain>(k).Add(0);
                        return;
                    }
                    catch (GrainRuntimeException) when (DateTime.UtcNow < until)
                    {
                        await Task.Delay(20, cancellation);
                    }
                }
            }));
        }
    }

    /// <summary>Calls/s of caller grains hammering echo grains on their own silo (or on others): a warm-up
    /// round sizes the measured round to about <see cref="RuntimeBenchSettings.Seconds"/>.</summary>
    private static async Task<double> ThroughputAsync(ClusterClient client, RuntimeBenchSettings settings, bool remote)
    {
        var callers = Enumerable.Range(0, settings.Silos * CallersPerSilo)
            .Select(i => client.GetGrain<ICallerGrain>($"bench-caller-{(remote ? "r" : "l")}-{i}")).ToArray();
        var warm = Stopwatch.StartNew();
        int warmCalls = (await Task.WhenAll(callers.Select(c => c.Hammer(remote, 5_000, InFlightPerCaller)))).Sum();
        double estimate = warmCalls / Math.Max(warm.Elapsed.TotalSeconds, 1e-3);
        int perCaller = (int)Math.Clamp(estimate * settings.Seconds / callers.Length, 1_000, 5_000_000);
        var clock = Stopwatch.StartNew();
        long calls = (await Task.WhenAll(callers.Select(c => c.Hammer(remote, perCaller, InFlightPerCaller)))).Sum();
        return calls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>99th percentile of single client calls (32 concurrent callers) through the gateways.</summary>
    private static async Task<double> P99Async(ClusterClient client, double seconds)
    {
        var latencies = new List<double>[32];
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, latencies.Length).Select(async w =>
        {
            var mine = latencies[w] = [];
            int i = 0;
            while (until.Elapsed.TotalSeconds < seconds)
            {
                var echo = client.GetGrain<IEchoGrain>($"latency-{w}-{i++ % 50}");
                long start = Stopwatch.GetTimestamp();
                await echo.Next(i);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, Math.Ceiling(all.Length * 0.99) - 1)];
    }

    /// <summary>Writes bench/results/runtime.json under the repository root (or the current directory).</summary>
    public static string WriteResult(string json)
    {
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) dir = dir.Parent;
        string root = dir?.FullName ?? Directory.GetCurrentDirectory();
        string path = Path.Combine(root, "bench", "results", "runtime.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json + Environment.NewLine);
        return path;
    }

    private static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"bench: {message}");
}
