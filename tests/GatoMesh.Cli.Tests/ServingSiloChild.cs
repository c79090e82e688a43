using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GatoMesh.Cli.Tests;

/// <summary>The product silo (silos/GatoMesh.Silo) as a child process on loopback ports, serving
/// gato-tiny with a gateway that admits one fleet; up once it printed its ready line, killed with its
/// process tree when disposed.</summary>
internal sealed partial class ServingSiloChild : IDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);
    private readonly Process process;

    private ServingSiloChild(Process process, int httpPort)
    {
        this.process = process;
        HttpPort = httpPort;
    }

    /// <summary>The gateway's port (WebSocket sessions, /metrics).</summary>
    public int HttpPort { get; }

    public static async Task<ServingSiloChild> StartAsync(string fleet, string key)
    {
        var dll = ReadyLineProcess.BuiltAssembly("silos/GatoMesh.Silo", "GatoMesh.Silo");
        var (process, match, _) = await ReadyLineProcess.StartAsync(dll,
            ["--port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
             "--http-port", LoopbackPorts.Free().ToString(), "--fleet-key", $"{fleet}={key}"],
            ReadyLine(), ReadyDeadline, new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" });
        return new ServingSiloChild(process, int.Parse(match.Groups[1].Value));
    }

    public void Dispose()
    {
        if (!this.process.HasExited)
        {
            this.process.Kill(entireProcessTree: true);
            this.process.WaitForExit(10_000);
        }
        this.process.Dispose();
    }

    [GeneratedRegex(@"^silo ready \S+ silo \d+ gateway \d+ http (\d+)")]
    private static partial Regex ReadyLine();
}
