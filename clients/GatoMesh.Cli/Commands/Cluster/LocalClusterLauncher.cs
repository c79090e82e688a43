using System.Net;
using System.Net.Sockets;
using System.Text;
using GatoMesh.Silo;
using GatoMesh.Silo.Security;

namespace GatoMesh.Cli;

/// <summary>What to start for a local cluster.</summary>
internal sealed record LocalClusterOptions
{
    /// <summary>Number of silo processes.</summary>
    public required int Silos { get; init; }

    /// <summary>Where cluster.json, the cluster certificate, the admin key and the processes' logs go.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Silo i listens on BasePort + i, its Orleans gateway on BasePort + Silos + i and its HTTP gateway on
    /// BasePort + 2 Silos + i.</summary>
    public int BasePort { get; init; } = 11111;

    public string ClusterId { get; init; } = "local";

    /// <summary>How long all silos have to serve: longer than a silo's own join budget
    /// (silos/GatoMesh.Silo/Hosting/FailureDetection.cs), so a slow join on a loaded machine is not cut short.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>How long a process has after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Arguments every silo gets besides its ports and the cluster's (a model, engine limits, fleet keys).</summary>
    public IReadOnlyList<string> SiloArguments { get; init; } = [];
}

/// <summary>
/// Starts and stops a local cluster (`gatomesh cluster up` / `down`): a self-signed cluster certificate
/// and an admin key (made once per state folder, readable by the owner only), redis-server on 127.0.0.1,
/// then N `gatomesh silo` processes using it for membership and storage, with TLS between them. Up
/// returns once every silo serves (printed its ready line and answers /health) and records the processes;
/// if any part fails, everything already started is stopped again. Down stops what the record names,
/// SIGTERM first so silos leave membership gracefully, and copes with processes that are already gone.
/// </summary>
internal static class LocalClusterLauncher
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
        var (certificate, adminKeyFile) = Credentials(options.StateDirectory, options.ClusterId);

        var ports = Enumerable.Range(0, options.Silos).Select(i => (silo: options.BasePort + i, gateway: options.BasePort + options.Silos + i,
            http: options.BasePort + 2 * options.Silos + i)).ToArray();
        foreach (var port in ports.SelectMany(p => new[] { p.silo, p.gateway, p.http }))
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

            var silos = new List<LocalSilo>();
            var self = SelfCommand.Arguments();
            for (var i = 0; i < ports.Length; i++)
            {
                var (silo, gateway, http) = ports[i];
                var name = $"silo-{i}";
                string[] arguments = [.. self.Skip(1), "silo", "--name", name, "--port", $"{silo}", "--gateway-port", $"{gateway}", "--http-port", $"{http}",
                    "--redis", redisAddress, "--cluster-id", options.ClusterId, "--tls-certificate", certificate, "--admin-key-file", adminKeyFile,
                    .. options.SiloArguments];
                var process = LocalProcess.Start(self[0], arguments, Path.Combine(logs, $"{name}.log"));
                started.Add(process);
                silos.Add(new LocalSilo(name, silo, gateway, http, process));
                progress($"{name}: silo port {silo}, gateway {gateway}, http {http} (pid {process.Pid})");
            }
            await WaitUntilServingAsync(options, silos, progress, cancellation).ConfigureAwait(false);
            var cluster = new LocalCluster(options.ClusterId, redisAddress, redis, certificate, adminKeyFile, silos);
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
        var silos = await Task.WhenAll(cluster.Silos.Select(async s => (s.Name, s.Process, await s.Process.StopAsync(stopGrace))))
            .ConfigureAwait(false);
        outcomes.AddRange(silos);
        outcomes.Add(("redis-server", cluster.RedisProcess, await cluster.RedisProcess.StopAsync(stopGrace).ConfigureAwait(false)));
        foreach (var (role, process, outcome) in outcomes)
            progress($"{role} (pid {process.Pid}): {outcome}");
        LocalCluster.Forget(stateDirectory);
        return outcomes;
    }

    /// <summary>The state folder's cluster certificate and admin key, made on first use and kept, so a
    /// restarted silo (or a command that joins the cluster) presents the same ones.</summary>
    private static (string Certificate, string AdminKeyFile) Credentials(string stateDirectory, string clusterId)
    {
        var certificate = Path.Combine(stateDirectory, "cluster.pfx");
        var adminKeyFile = Path.Combine(stateDirectory, "admin.key");
        if (!File.Exists(certificate)) ClusterCertificate.CreateSelfSigned(certificate, clusterId).Dispose();
        if (!File.Exists(adminKeyFile))
        {
            File.WriteAllText(adminKeyFile, AdminKey.Generate() + "\n");
            File.SetUnixFileMode(adminKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (certificate, adminKeyFile);
    }

    private static void Validate(LocalClusterOptions options)
    {
        if (options.Silos is < 1 or > 64)
            throw new LocalClusterException($"--silos {options.Silos}: must be between 1 and 64");
        if (options.BasePort < 1024 || options.BasePort + 3 * options.Silos > 65535)
            throw new LocalClusterException($"--base-port {options.BasePort}: silo and gateway ports must lie in 1024..65535");
    }

    private static async Task WaitUntilServingAsync(LocalClusterOptions options, IReadOnlyList<LocalSilo> silos, Action<string> progress, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + options.StartTimeout;
        var serving = new HashSet<string>();
        while (serving.Count < silos.Count)
        {
            foreach (var silo in silos.Where(s => !serving.Contains(s.Name)))
            {
                if (!silo.Process.IsRunning)
                    throw new LocalClusterException($"{silo.Name} exited before it served; its log ({silo.Process.Log}) ends:\n{silo.Process.LogTail()}");
                // The ready line comes once the silo is Active in membership; /health once Kestrel listens.
                if (ReadyLine(silo.Process.Log) && await HealthyAsync(silo.HttpPort, cancellation).ConfigureAwait(false))
                {
                    serving.Add(silo.Name);
                    progress($"{silo.Name} serves");
                }
            }
            if (serving.Count == silos.Count) return;
            if (DateTime.UtcNow > deadline)
            {
                var late = silos.First(s => !serving.Contains(s.Name));
                throw new LocalClusterException($"{late.Name} did not serve within {options.StartTimeout.TotalSeconds} s; " +
                    $"its log ({late.Process.Log}) ends:\n{late.Process.LogTail()}");
            }
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }
    }

    private static bool ReadyLine(string log)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            while (reader.ReadLine() is { } line)
                if (line.StartsWith("silo ready ", StringComparison.Ordinal)) return true;
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<bool> HealthyAsync(int port, CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await http.GetAsync($"http://127.0.0.1:{port}/health", cancellation).ConfigureAwait(false)).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return false;
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

    private static async Task<bool> AnswersPingAsync(int port, CancellationToken cancellation)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
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
