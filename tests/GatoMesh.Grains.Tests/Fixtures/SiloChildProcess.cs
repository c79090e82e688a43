using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace GatoMesh.Grains.Tests.Fixtures;

/// <summary>The product silo (silos/GatoMesh.Silo, what `gatomesh silo` runs) as a child process, up once
/// it printed its ready line; its stderr is kept as its log.</summary>
internal sealed partial class SiloChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);
    private readonly Process process;
    private readonly ConcurrentQueue<string> log;

    private SiloChildProcess(Process process, ConcurrentQueue<string> log, Match ready)
    {
        this.process = process;
        this.log = log;
        Name = ready.Groups["name"].Value;
        SiloPort = int.Parse(ready.Groups["silo"].Value);
        GatewayPort = int.Parse(ready.Groups["gateway"].Value);
        HttpPort = int.Parse(ready.Groups["http"].Value);
    }

    public string Name { get; }
    public int SiloPort { get; }

    /// <summary>The Orleans gateway (cluster clients); internal to the cluster.</summary>
    public int GatewayPort { get; }

    /// <summary>Kestrel: the WebSocket gateway for robots, /health, /metrics, /dashboard.</summary>
    public int HttpPort { get; }

    public Uri SessionsEndpoint => new($"ws://127.0.0.1:{HttpPort}/v1/sessions");

    public Uri Http(string path) => new($"http://127.0.0.1:{HttpPort}{path}");

    public bool HasExited => this.process.HasExited;

    /// <summary>What the process wrote to stderr so far (its log).</summary>
    public string Log => string.Join('\n', this.log);

    public static async Task<SiloChildProcess> StartAsync(IEnumerable<string> arguments)
    {
        var dll = ReadyLineProcess.BuiltAssembly("silos/GatoMesh.Silo", "GatoMesh.Silo");
        // One BLAS thread per silo: three silos and the test share two cores.
        var (process, ready, log) = await ReadyLineProcess.StartAsync(dll, arguments, ReadyLine(), StartDeadline,
            new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" });
        return new SiloChildProcess(process, log, ready);
    }

    /// <summary>Sessions active on the silo now, as its /health reports them.</summary>
    public async Task<long> SessionsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var health = await http.GetFromJsonAsync<Health>(Http("/health"));
        return health!.Sessions;
    }

    /// <summary>kill -9: no goodbye, no deactivation, nothing flushed.</summary>
    public void KillHard()
    {
        this.process.Kill(entireProcessTree: true);
        this.process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        if (!this.process.HasExited) KillHard();
        this.process.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed record Health([property: JsonPropertyName("sessions")] long Sessions);

    [GeneratedRegex(@"^silo ready (?<name>\S+) silo (?<silo>\d+) gateway (?<gateway>\d+) http (?<http>\d+) model \S+")]
    private static partial Regex ReadyLine();
}
