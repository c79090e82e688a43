using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace GatoMesh.Cli.Commands.Bench;

/// <summary>
/// redis-server on a free loopback port plus N test-silo processes (tests/GatoMesh.Runtime.TestSilo's
/// Release build, found from the repository root; the product silo replaces it in a later issue).
/// Everything is killed on dispose.
/// </summary>
internal sealed partial class BenchCluster : IAsyncDisposable
{
    private readonly Process _redis;
    private readonly List<(Process Process, string Gateway)> _silos = [];

    private BenchCluster(Process redis, int redisPort)
    {
        _redis = redis;
        RedisPort = redisPort;
    }

    public int RedisPort { get; }
    public IReadOnlyList<string> Gateways => [.. _silos.Where(s => !s.Process.HasExited).Select(s => s.Gateway)];

    public static async Task<BenchCluster> StartAsync(int silos, CancellationToken cancellation)
    {
        string dll = SiloDll();
        int port = FreePort();
        var redis = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start (is it installed? build/setup.sh installs it)");
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        var cluster = new BenchCluster(redis, port);
        try
        {
            await WaitForRedisAsync(port, cancellation);
            string clusterId = $"bench{Environment.ProcessId}";
            for (int i = 0; i < silos; i++)
                cluster._silos.Add(await StartSiloAsync(dll, $"127.0.0.1:{port}", clusterId, cancellation));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL of the last silo: no goodbye, no deactivation.</summary>
    public string KillOne()
    {
        var (process, gateway) = _silos[^1];
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        return gateway;
    }

    private static string SiloDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) dir = dir.Parent;
        dir ??= new DirectoryInfo(Directory.GetCurrentDirectory());
        var dll = Path.Combine(dir.FullName, "tests", "GatoMesh.Runtime.TestSilo", "bin", "Release", "net10.0", "GatoMesh.Runtime.TestSilo.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"silo host not built: {dll} (run: dotnet build tests/GatoMesh.Runtime.TestSilo -c Release)");
    }

    private static async Task<(Process, string)> StartSiloAsync(string dll, string redis, string clusterId, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--port", "0", "--gateway-port", "0", "--redis", redis, "--cluster-id", clusterId },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start the silo");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Console.Error.WriteLine($"silo {process.Id}: {e.Data}");
        };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            var m = ReadyLine().Match(line);
            if (!m.Success) continue;
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is not null)
                {
                }
            });
            Console.Error.WriteLine($"bench: {line}");
            return (process, $"127.0.0.1:{m.Groups[1].Value}");
        }
        throw new InvalidOperationException($"silo process exited before it was ready (code {(process.HasExited ? process.ExitCode : -1)})");
    }

    private static async Task WaitForRedisAsync(int port, CancellationToken cancellation)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellation);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellation);
                var buffer = new byte[16];
                int n = await stream.ReadAsync(buffer, cancellation);
                if (Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal)) return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
            }
            if (DateTime.UtcNow > until) throw new TimeoutException($"redis-server on port {port} did not answer PING within 10 s");
            await Task.Delay(50, cancellation);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _silos)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
        if (!_redis.HasExited) _redis.Kill();
        _redis.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^silo ready \S+ gateway (\d+)$")]
    private static partial Regex ReadyLine();
}
