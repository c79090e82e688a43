using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace GatoMesh.Cli.Tests;

/// <summary>The product silo (silos/GatoMesh.Silo) as a child process on loopback ports, serving
/// gato-tiny with a gateway that admits one fleet; up once it printed its ready line, killed with its
/// process tree when disposed.</summary>
internal sealed partial class ServingSiloChild : IDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);
    private readonly Process _process;

    private ServingSiloChild(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
    }

    /// <summary>The gateway's port (WebSocket sessions, /metrics).</summary>
    public int HttpPort { get; }

    public static ServingSiloChild Start(string fleet, string key)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The silo build of the same configuration and framework as the CLI's (bin/<configuration>/<framework>).
        var output = new DirectoryInfo(Path.GetDirectoryName(Gatomesh.Dll)!);
        var dll = Path.Combine(Gatomesh.RepositoryRoot, "silos", "GatoMesh.Silo", "bin", output.Parent!.Name, output.Name, "GatoMesh.Silo.dll");
        Assert.True(File.Exists(dll), $"the silo is not built: {dll}");
        info.ArgumentList.Add(dll);
        foreach (var arg in new[] { "--port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
                     "--http-port", LoopbackPorts.Free().ToString(), "--fleet-key", $"{fleet}={key}" })
            info.ArgumentList.Add(arg);
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        var process = Process.Start(info)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
                stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(ReadyDeadline) || ready.Result is not { } line || ReadyLine().Match(line) is not { Success: true } match)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            lock (stderr)
                Assert.Fail($"the silo printed no ready line within {ReadyDeadline.TotalSeconds:F0} s; stderr:\n{stderr}");
            throw new UnreachableException();
        }
        _ = process.StandardOutput.ReadToEndAsync();
        return new ServingSiloChild(process, int.Parse(match.Groups[1].Value));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"^silo ready \S+ gateway \d+ http (\d+)")]
    private static partial Regex ReadyLine();
}
