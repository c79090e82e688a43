using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Fixtures;

/// <summary>A tests/GatoMesh.Runtime.TestSilo child process, started with the silo command line and
/// considered up once it printed its "silo ready" line.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _errorLines;

    private SiloProcess(Process process, ConcurrentQueue<string> errorLines, SiloAddress address, int gatewayPort)
    {
        _process = process;
        _errorLines = errorLines;
        Address = address;
        GatewayPort = gatewayPort;
    }

    /// <summary>What the silo wrote to stderr so far (its log).</summary>
    public IReadOnlyCollection<string> ErrorLines => _errorLines;

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
        var errorLines = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) errorLines.Enqueue(e.Data);
        };
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
            return new SiloProcess(process, errorLines, address, int.Parse(m.Groups[4].Value));
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

    /// <summary>kill -STOP: the process freezes (as in a long GC pause or swapping) until <see cref="Resume"/>.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>kill -CONT.</summary>
    public void Resume() => Signal(SigCont);

    private void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>The exit code once the process ended by itself; fails the test after <paramref name="deadline"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan deadline)
    {
        using var cancel = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"silo {Address} did not exit within {deadline.TotalSeconds} s");
        }
        return _process.ExitCode;
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
