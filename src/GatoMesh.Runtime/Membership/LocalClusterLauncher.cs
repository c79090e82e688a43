using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GatoMesh.Runtime.Membership;

/// <summary>What to start for a local development cluster.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>Number of silo processes.</summary>
    public required int Silos { get; init; }

    /// <summary>The silo executable's assembly, run as <c>dotnet ASSEMBLY --port P --gateway-port G --redis HOST:PORT --cluster-id ID</c>.</summary>
    public required string SiloAssembly { get; init; }

    /// <summary>Where cluster.json and the processes' logs go (the repository's .gatomesh by default).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Silo i listens on BasePort + i and its gateway on BasePort + Silos + i (and, with
    /// <see cref="HttpGateways"/>, its HTTP gateway on BasePort + 2 Silos + i).</summary>
    public int BasePort { get; init; } = 11111;

    /// <summary>The silo executable also serves external clients over HTTP: pass it <c>--http-port</c>.</summary>
    public bool HttpGateways { get; init; }

    public string ClusterId { get; init; } = "local";

    /// <summary>How long all silos have to become Active.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a process has after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Starts and stops a local development cluster (`gatomesh cluster up` / `down`): redis-server on
/// 127.0.0.1 without persistence, then N silo processes using it for membership and storage. Up
/// returns once every silo is Active in the membership table and records the processes; if any part
/// fails, everything already started is stopped again. Down stops what the record names, SIGTERM first
/// so silos leave the membership gracefully, and copes with processes that are already gone.
/// </summary>
public static class LocalClusterLauncher
{
    public static async Task<LocalCluster> UpAsync(LocalClusterOptions options, Action<string>? progress = null, CancellationToken cancellation = default)
    {
        Validate(options);
        progress ??= _ => { };
        var running = LocalCluster.Load(options.StateDirectory);
        if (running is not null && running.Processes.Any(p => p.IsRunning))
            throw new LocalClusterException($"a cluster is already up ({LocalCluster.PathIn(options.StateDirectory)}, pids " +
                $"{string.Join(", ", running.Processes.Where(p => p.IsRunning).Select(p => p.Pid))}); run `gatomesh cluster down` first");
        var logs = Path.Combine(options.StateDirectory, "logs");
        Directory.CreateDirectory(logs);

        var ports = Enumerable.Range(0, options.Silos).Select(i => (silo: options.BasePort + i, gateway: options.BasePort + options.Silos + i,
            http: options.HttpGateways ? options.BasePort + 2 * options.Silos + i : 0)).ToArray();
        foreach (var port in ports.SelectMany(p => new[] { p.silo, p.gateway, p.http }).Where(p => p > 0))
            if (!IsFree(port))
                throw new LocalClusterException($"--base-port {options.BasePort}: port {port} on 127.0.0.1 is in use");

        var started = new List<LocalProcess>();
        try
        {
            var redisPort = FreePort();
            var redis = LocalProcess.Start("redis-server",
                ["--bind", "127.0.0.1", "--port", $"{redisPort}", "--save", "", "--appendonly", "no", "--daemonize", "no"],
                Path.Combine(logs, "redis.log"));
            started.Add(redis);
            var redisAddress = $"127.0.0.1:{redisPort}";
            await WaitForRedisAsync(redis, redisPort, cancellation).ConfigureAwait(false);
            progress($"redis-server {redisAddress} (pid {redis.Pid})");

            var silos = new List<(int port, int gateway, int http, LocalProcess process)>();
            foreach (var (silo, gateway, http) in ports)
            {
                string[] arguments = [options.SiloAssembly, "--port", $"{silo}", "--gateway-port", $"{gateway}", "--redis", redisAddress, "--cluster-id", options.ClusterId];
                if (http > 0) arguments = [.. arguments, "--http-port", $"{http}"];
                var process = LocalProcess.Start("dotnet", arguments, Path.Combine(logs, $"silo-{silo}.log"));
                started.Add(process);
                silos.Add((silo, gateway, http, process));
                progress($"silo 127.0.0.1:{silo} gateway {gateway}{(http > 0 ? $" http {http}" : "")} (pid {process.Pid})");
            }

            var active = await WaitUntilActiveAsync(options, redisAddress, silos, progress, cancellation).ConfigureAwait(false);
            var cluster = new LocalCluster(options.ClusterId, redisAddress, redis,
                silos.Select(s => new LocalSilo(active[s.port].ToString(), s.port, s.gateway, s.process, s.http)).ToArray());
            cluster.Save(options.StateDirectory);
            return cluster;
        }
        catch
        {
            foreach (var process in Enumerable.Reverse(started))
                await process.StopAsync(options.StopGrace).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the recorded cluster (silos first, then Redis) and forgets it. Returns each process' fate:
    /// "stopped", "killed" or "gone"; empty when no cluster is recorded.</summary>
    public static async Task<IReadOnlyList<(string Role, LocalProcess Process, string Outcome)>> DownAsync(
        string stateDirectory, TimeSpan stopGrace, Action<string>? progress = null)
    {
        progress ??= _ => { };
        var cluster = LocalCluster.Load(stateDirectory);
        if (cluster is null)
            return [];
        var outcomes = new List<(string, LocalProcess, string)>();
        // Silos stop together (each leaves the membership on SIGTERM); Redis last, so they can still write.
        var silos = await Task.WhenAll(cluster.Silos.Select(async s => ($"silo {s.Address}", s.Process, await s.Process.StopAsync(stopGrace))))
            .ConfigureAwait(false);
        outcomes.AddRange(silos);
        outcomes.Add(("redis-server", cluster.RedisProcess, await cluster.RedisProcess.StopAsync(stopGrace).ConfigureAwait(false)));
        foreach (var (role, process, outcome) in outcomes)
            progress($"{role} (pid {process.Pid}): {outcome}");
        LocalCluster.Forget(stateDirectory);
        return outcomes;
    }

    private static void Validate(LocalClusterOptions options)
    {
        if (options.Silos is < 1 or > 64)
            throw new LocalClusterException($"--silos {options.Silos}: must be between 1 and 64");
        if (options.BasePort < 1024 || options.BasePort + (options.HttpGateways ? 3 : 2) * options.Silos > 65535)
            throw new LocalClusterException($"--base-port {options.BasePort}: silo and gateway ports must lie in 1024..65535");
        if (!File.Exists(options.SiloAssembly))
            throw new LocalClusterException($"silo assembly {options.SiloAssembly} does not exist; build it first " +
                "(dotnet build silos/GatoMesh.Silo -c Release)");
    }

    private static async Task<Dictionary<int, SiloAddress>> WaitUntilActiveAsync(LocalClusterOptions options, string redis,
        List<(int port, int gateway, int http, LocalProcess process)> silos, Action<string> progress, CancellationToken cancellation)
    {
        using var table = new RedisMembershipTable(redis, options.ClusterId);
        var deadline = DateTime.UtcNow + options.StartTimeout;
        var reported = new HashSet<int>();
        while (true)
        {
            foreach (var silo in silos.Where(s => !s.process.IsRunning))
                throw new LocalClusterException($"silo on port {silo.port} exited before it became Active; its log ({silo.process.Log}) ends:\n{silo.process.LogTail()}");
            var snapshot = await table.ReadAllAsync(cancellation).ConfigureAwait(false);
            var active = snapshot.Rows
                .Where(r => r.Entry.Status == SiloStatus.Active && silos.Any(s => s.port == r.Entry.Silo.Port))
                .GroupBy(r => r.Entry.Silo.Port)
                .ToDictionary(g => g.Key, g => g.MaxBy(r => r.Entry.Silo.Generation)!.Entry.Silo);
            foreach (var (port, address) in active.Where(a => reported.Add(a.Key)))
                progress($"silo {address} is Active");
            // A silo joins the membership before it opens its HTTP gateway: wait for that too, so the
            // endpoints `cluster up` prints answer as soon as it returns.
            var waiting = new List<(int port, int gateway, int http, LocalProcess process)>();
            foreach (var silo in silos)
                if (!active.ContainsKey(silo.port) || (silo.http > 0 && !await AcceptsAsync(silo.http, cancellation).ConfigureAwait(false)))
                    waiting.Add(silo);
            if (waiting.Count == 0)
                return active;
            if (DateTime.UtcNow > deadline)
            {
                var late = waiting[0];
                var what = active.ContainsKey(late.port) ? $"did not open its HTTP gateway on {late.http}" : "was not Active";
                throw new LocalClusterException($"silo on port {late.port} {what} after {options.StartTimeout.TotalSeconds} s; " +
                    $"its log ({late.process.Log}) ends:\n{late.process.LogTail()}");
            }
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }
    }

    private static async Task WaitForRedisAsync(LocalProcess redis, int port, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await AnswersPingAsync(port, cancellation).ConfigureAwait(false))
        {
            if (!redis.IsRunning)
                throw new LocalClusterException($"redis-server on port {port} exited during start; its log ends:\n{redis.LogTail()}");
            if (DateTime.UtcNow > deadline)
                throw new LocalClusterException($"redis-server on port {port} did not answer PING within 20 s; its log ends:\n{redis.LogTail()}");
            await Task.Delay(20, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a loopback port accepts a connection (a silo's HTTP gateway is listening).</summary>
    private static Task<bool> AcceptsAsync(int port, CancellationToken cancellation) =>
        ProbeAsync(port, (_, _) => Task.FromResult(true), cancellation);

    private static Task<bool> AnswersPingAsync(int port, CancellationToken cancellation) =>
        ProbeAsync(port, async (stream, token) =>
        {
            await stream.WriteAsync("PING\r\n"u8.ToArray(), token).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }, cancellation);

    /// <summary>Connects to a loopback port and runs <paramref name="check"/> on the stream, within 2 s; false
    /// when the port refuses, the connection breaks or the time runs out.</summary>
    private static async Task<bool> ProbeAsync(int port, Func<NetworkStream, CancellationToken, Task<bool>> check, CancellationToken cancellation)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return await check(client.GetStream(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            return false;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
