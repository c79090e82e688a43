using System.Diagnostics;
using System.Text.RegularExpressions;
using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Fixtures;

/// <summary>A tests/GatoMesh.Runtime.TestSilo child process, started with the silo command line and
/// considered up once it printed its "silo ready" line.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, SiloAddress address, int gatewayPort)
    {
        _process = process;
        Address = address;
        GatewayPort = gatewayPort;
    }

    public SiloAddress Address { get; }
    public int GatewayPort { get; }
    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>The test silo's build output, beside this test assembly's configuration.</summary>
    private static string SiloDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = dir.Parent!.Name; // .../bin/<Configuration>/net10.0/
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) dir = dir.Parent;
        if (dir is null) throw new FileNotFoundException("repository root (GatoMesh.sln) not found above the test output");
        var dll = Path.Combine(dir.FullName, "tests", "GatoMesh.Runtime.TestSilo", "bin", configuration, "net10.0", "GatoMesh.Runtime.TestSilo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"test silo not built: {dll}");
    }

    public static async Task<SiloProcess> StartAsync(string redis, string clusterId, int port = 0)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { SiloDll(), "--port", port.ToString(), "--gateway-port", "0", "--redis", redis, "--cluster-id", clusterId })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("test silo did not print its ready line within 30 s");
            }
            if (line is null) throw new InvalidOperationException($"test silo exited with code {(process.WaitForExit(5000) ? process.ExitCode : -1)} before it was ready");
            var m = ReadyLine().Match(line);
            if (!m.Success) continue;
            var address = new SiloAddress(m.Groups[1].Value, int.Parse(m.Groups[2].Value), long.Parse(m.Groups[3].Value));
            _ = DrainAsync(process);
            return new SiloProcess(process, address, int.Parse(m.Groups[4].Value));
        }
    }

    private static async Task DrainAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is not null)
        {
        }
    }

    /// <summary>kill -9: no goodbye to the cluster, no deactivation.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^silo ready (\S+):(\d+)@(\d+) gateway (\d+)$")]
    private static partial Regex ReadyLine();
}
