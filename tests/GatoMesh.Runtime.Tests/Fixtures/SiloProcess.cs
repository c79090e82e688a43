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

    public static async Task<SiloProcess> StartAsync(string redis, string clusterId, int port = 0)
    {
        var dll = ReadyLineProcess.BuiltAssembly("tests/GatoMesh.Runtime.TestSilo", "GatoMesh.Runtime.TestSilo");
        var (process, m, log) = await ReadyLineProcess.StartAsync(dll,
            ["--port", port.ToString(), "--gateway-port", "0", "--redis", redis, "--cluster-id", clusterId], ReadyLine(), TimeSpan.FromSeconds(30));
        var address = new SiloAddress(m.Groups[1].Value, int.Parse(m.Groups[2].Value), long.Parse(m.Groups[3].Value));
        return new SiloProcess(process, log, address, int.Parse(m.Groups[4].Value));
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
