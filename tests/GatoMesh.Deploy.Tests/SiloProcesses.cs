using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using GatoMesh.Silo.Security;

namespace GatoMesh.Deploy.Tests;

/// <summary>
/// A cluster of real silo processes (silos/GatoMesh.Silo) on loopback: one redis-server, the cluster
/// certificate and admin key in a temporary folder, and silos started and stopped one by one, as an
/// operator scales a deployment. Every silo admits one fleet.
/// </summary>
internal sealed partial class SiloProcesses : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);
    private readonly RedisServer _redis;
    private readonly string _folder;
    private readonly string _clusterId = $"elastic-{Guid.NewGuid():N}"[..16];
    private readonly List<Silo> _silos = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public sealed record Silo(string Name, Process Process, int HttpPort);

    private SiloProcesses(RedisServer redis, string folder, string fleet, string key)
    {
        _redis = redis;
        _folder = folder;
        Fleet = fleet;
        Key = key;
    }

    public string Fleet { get; }

    public string Key { get; }

    public static async Task<SiloProcesses> StartAsync(string fleet, string key)
    {
        var folder = Directory.CreateTempSubdirectory("gatomesh-elastic-").FullName;
        ClusterCertificate.CreateSelfSigned(Path.Combine(folder, "cluster.pfx"), "elastic").Dispose();
        File.WriteAllText(Path.Combine(folder, "admin.key"), AdminKey.Generate());
        return new SiloProcesses(await RedisServer.StartAsync(), folder, fleet, key);
    }

    /// <summary>Starts silo <paramref name="name"/>; returns once it is Active in membership and serving.</summary>
    public async Task<Silo> AddAsync(string name, params string[] options)
    {
        var dll = ReadyLineProcess.BuiltAssembly("silos/GatoMesh.Silo", "GatoMesh.Silo");
        var (process, ready, _) = await ReadyLineProcess.StartAsync(dll,
            ["--name", name, "--port", $"{LoopbackPorts.Free()}", "--gateway-port", $"{LoopbackPorts.Free()}", "--http-port", $"{LoopbackPorts.Free()}",
             "--grpc-port", $"{LoopbackPorts.Free()}", "--redis", _redis.Configuration, "--cluster-id", _clusterId,
             "--tls-certificate", Path.Combine(_folder, "cluster.pfx"), "--admin-key-file", Path.Combine(_folder, "admin.key"),
             "--fleet-key", $"{Fleet}={Key}", "--no-dashboard", .. options],
            ReadyLine(), ReadyDeadline, new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" });
        var silo = new Silo(name, process, int.Parse(ready.Groups[1].Value));
        _silos.Add(silo);
        return silo;
    }

    public Uri Sessions(Silo silo) => new($"ws://127.0.0.1:{silo.HttpPort}/v1/sessions");

    /// <summary>Active sessions on <paramref name="silo"/> (its /health), or null when it does not answer.</summary>
    public async Task<int?> SessionsOnAsync(Silo silo)
    {
        try
        {
            using var response = await _http.GetAsync($"http://127.0.0.1:{silo.HttpPort}/health");
            var health = await response.Content.ReadFromJsonAsync<JsonElement>();
            return health.GetProperty("sessions").GetInt32();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a silo: it stops taking sessions, deactivates them
    /// (their steps are persisted) and leaves membership. Returns its exit code.</summary>
    public async Task<int> StopGracefullyAsync(Silo silo, TimeSpan deadline)
    {
        if (Kill(silo.Process.Id, SigTerm) != 0) throw new InvalidOperationException($"could not signal {silo.Name} (pid {silo.Process.Id})");
        using var wait = new CancellationTokenSource(deadline);
        await silo.Process.WaitForExitAsync(wait.Token);
        _silos.Remove(silo);
        return silo.Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            if (!silo.Process.HasExited) silo.Process.Kill(entireProcessTree: true);
            await silo.Process.WaitForExitAsync();
            silo.Process.Dispose();
        }
        _http.Dispose();
        await _redis.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"^silo ready \S+ silo \d+ gateway \d+ http (\d+)")]
    private static partial Regex ReadyLine();
}
