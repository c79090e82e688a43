using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orleans.Serialization.TypeSystem;

namespace GatoMesh.Cli.Commands.Bench;

/// <summary>The phases of <c>gatomesh bench runtime</c> (docs/RUNTIME.md, "Benchmark"): a cluster of N
/// `gatomesh silo` processes over a real redis-server with TLS links, as `cluster up` starts it (in a
/// temporary state folder), measured through an Orleans cluster client; progress goes to stderr.</summary>
internal static class RuntimeBench
{
    private const int CallersPerSilo = 2;
    private const int InFlightPerCaller = 64;
    private static readonly TimeSpan RecoveryCallTimeout = TimeSpan.FromSeconds(2);
    // Silos list activations by their class's runtime type name ("Namespace.Class,assembly").
    private static readonly string[] CounterType = [RuntimeTypeNameFormatter.Format(typeof(BenchCounterGrain))];

    public static async Task<RuntimeBenchResult> RunAsync(RuntimeBenchSettings settings, CancellationToken cancellation)
    {
        double load = LoadAverage();
        var state = Directory.CreateTempSubdirectory("gatomesh-bench-runtime-").FullName;
        try
        {
            Progress($"starting redis-server and {settings.Silos} silo processes");
            var cluster = await LocalClusterLauncher.UpAsync(new LocalClusterOptions
            {
                Silos = settings.Silos,
                StateDirectory = state,
                BasePort = FreeBlock(3 * settings.Silos),
                ClusterId = $"bench{Environment.ProcessId}",
                // The grains under test only: no dashboard (its profiling filter sits on every call).
                SiloArguments = ["--no-dashboard"],
            }, Progress, cancellation);
            try
            {
                return await MeasureAsync(settings, cluster, load, cancellation);
            }
            finally
            {
                await LocalClusterLauncher.DownAsync(state, TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task<RuntimeBenchResult> MeasureAsync(RuntimeBenchSettings settings, LocalCluster cluster, double load, CancellationToken cancellation)
    {
        await using var clients = await ClusterClients.ConnectAsync(cluster, cancellation: cancellation);
        var client = clients.Grains;
        var keys = Enumerable.Range(0, settings.Grains).Select(i => $"bench-{i}").ToArray();

        Progress($"activating {keys.Length} grains");
        int duplicatesBefore = await DuplicatesAsync(client, keys, cancellation);

        Progress("local grain-to-grain calls");
        double local = await ThroughputAsync(client, settings, remote: false);
        Progress("cross-silo grain-to-grain calls");
        double remote = await ThroughputAsync(client, settings, remote: true);
        Progress("client call latency through a gateway");
        double p99 = await P99Async(client, settings.Seconds);

        var victim = cluster.Silos[^1];
        int moved = await ActivationsOnAsync(client, victim.Port);
        // A call in flight to the killed silo never gets an answer: with Orleans' default 30 s timeout its
        // retry would wait that long, and recovery would measure the timeout instead of the cluster.
        await using var survivors = await ClusterClients.ConnectAsync(cluster, RecoveryCallTimeout, cancellation);
        Progress($"kill -9 of {victim.Name} ({moved} of the {keys.Length} grains live there)");
        victim.Process.Kill();
        var clock = Stopwatch.StartNew();
        await EveryGrainAnswersAsync(survivors.Grains, keys, cancellation);
        double recovery = clock.Elapsed.TotalSeconds;
        int duplicatesAfter = await DuplicatesAsync(survivors.Grains, keys, cancellation);

        return new RuntimeBenchResult
        {
            Silos = settings.Silos,
            Grains = settings.Grains,
            LocalCallsPerS = Math.Round(local),
            RemoteCallsPerS = Math.Round(remote),
            P99CallMs = Math.Round(p99, 3),
            DuplicateActivations = duplicatesBefore + duplicatesAfter,
            RecoveryS = Math.Round(recovery, 3),
            GrainsOnKilledSilo = moved,
            Machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            LoadAverage1m = load,
        };
    }

    /// <summary>Counter grains whose activation lives on the silo listening on <paramref name="siloPort"/>.</summary>
    private static async Task<int> ActivationsOnAsync(IClusterClient client, int siloPort)
    {
        var listed = await client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(CounterType);
        return listed.Count(s => s.SiloAddress.Endpoint.Port == siloPort);
    }

    /// <summary>Grains with an activation on more than one silo, once the silos' activation listings (through
    /// the management grain) account for every grain. Each round calls every grain first: a grain the cluster
    /// deactivated meanwhile (a duplicate Orleans resolved itself, after the kill) is activated again.</summary>
    private static async Task<int> DuplicatesAsync(IClusterClient client, string[] keys, CancellationToken cancellation)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await EveryGrainAnswersAsync(client, keys, cancellation);
            var listed = (await management.GetDetailedGrainStatistics(CounterType)).Select(s => s.GrainId).ToList();
            if (listed.Count >= keys.Length)
                return listed.Count - listed.Distinct().Count();
            if (DateTime.UtcNow > until)
                throw new InvalidOperationException($"the silos list {listed.Count} activations of the {keys.Length} counter grains that answered, 60 s on");
            Progress($"the silos list {listed.Count} activations of {keys.Length} counter grains; calling them again");
            await Task.Delay(200, cancellation);
        }
    }

    /// <summary>Calls every counter grain, retrying each through typed runtime errors, until all answered.</summary>
    private static async Task EveryGrainAnswersAsync(IClusterClient client, string[] keys, CancellationToken cancellation)
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
                        await client.GetGrain<IBenchCounterGrain>(k).Add(0);
                        return;
                    }
                    // A call that expires before its grain is placed again ends in OperationCanceledException.
                    catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
                                              or OperationCanceledException && !cancellation.IsCancellationRequested && DateTime.UtcNow < until)
                    {
                        await Task.Delay(20, cancellation);
                    }
                }
            }));
        }
    }

    /// <summary>Calls/s of caller grains hammering echo grains on their own silo (or on others): a warm-up
    /// round sizes the measured round to about <see cref="RuntimeBenchSettings.Seconds"/>.</summary>
    private static async Task<double> ThroughputAsync(IClusterClient client, RuntimeBenchSettings settings, bool remote)
    {
        var callers = Enumerable.Range(0, settings.Silos * CallersPerSilo)
            .Select(i => client.GetGrain<IBenchCallerGrain>($"bench-caller-{(remote ? "r" : "l")}-{i}")).ToArray();
        var warm = Stopwatch.StartNew();
        int warmCalls = (await Task.WhenAll(callers.Select(c => c.Hammer(remote, 5_000, InFlightPerCaller)))).Sum();
        double estimate = warmCalls / Math.Max(warm.Elapsed.TotalSeconds, 1e-3);
        int perCaller = (int)Math.Clamp(estimate * settings.Seconds / callers.Length, 1_000, 5_000_000);
        var clock = Stopwatch.StartNew();
        long calls = (await Task.WhenAll(callers.Select(c => c.Hammer(remote, perCaller, InFlightPerCaller)))).Sum();
        return calls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>99th percentile of single client calls (32 concurrent callers) through the gateways.</summary>
    private static async Task<double> P99Async(IClusterClient client, double seconds)
    {
        var latencies = new List<double>[32];
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, latencies.Length).Select(async w =>
        {
            var mine = latencies[w] = [];
            int i = 0;
            while (until.Elapsed.TotalSeconds < seconds)
            {
                var echo = client.GetGrain<IBenchEchoGrain>($"latency-{w}-{i++ % 50}");
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

    /// <summary>The first of <paramref name="count"/> consecutive free loopback ports (a cluster's silo, gateway and HTTP ports).</summary>
    private static int FreeBlock(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var first = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (first + count < 65535 && Enumerable.Range(first, count).All(IsFree)) return first;
        }
        throw new InvalidOperationException($"no {count} consecutive free ports on 127.0.0.1");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"bench: {message}");
}
