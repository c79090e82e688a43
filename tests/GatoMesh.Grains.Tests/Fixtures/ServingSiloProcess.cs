using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GatoMesh.Grains.Tests.Fixtures;

/// <summary>A silos/GatoMesh.Silo child process (the product silo), up once it printed its ready line.</summary>
internal sealed partial class ServingSiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServingSiloProcess(Process process, ConcurrentQueue<string> log, string address, int gatewayPort)
    {
        _process = process;
        Log = log;
        Address = address;
        Gateway = $"127.0.0.1:{gatewayPort}";
    }

    /// <summary>host:port@generation, as membership names the silo.</summary>
    public string Address { get; }

    /// <summary>The runtime gateway (for ClusterClient).</summary>
    public string Gateway { get; }

    public ConcurrentQueue<string> Log { get; }

    public static async Task<ServingSiloProcess> StartAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(SiloDll());
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        var process = Process.Start(info)!;
        var log = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) log.Enqueue(e.Data);
        };
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
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
                throw new TimeoutException($"silo did not print its ready line within 60 s: {string.Join('\n', log)}");
            }
            if (line is null)
                throw new InvalidOperationException($"silo exited with code {(process.WaitForExit(5000) ? process.ExitCode : -1)} before it was ready: {string.Join('\n', log)}");
            var m = ReadyLine().Match(line);
            if (!m.Success) continue;
            _ = DrainAsync(process);
            return new ServingSiloProcess(process, log, m.Groups[1].Value, int.Parse(m.Groups[2].Value));
        }
    }

    /// <summary>kill -9: no goodbye, no deactivation, nothing flushed.</summary>
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

    private static async Task DrainAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is not null)
        {
        }
    }

    private static string SiloDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = dir.Parent!.Name; // .../bin/<Configuration>/net10.0/
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) dir = dir.Parent;
        if (dir is null) throw new FileNotFoundException("repository root (GatoMesh.sln) not found above the test output");
        var dll = Path.Combine(dir.FullName, "silos", "GatoMesh.Silo", "bin", configuration, "net10.0", "GatoMesh.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"silo not built: {dll}");
    }

    [GeneratedRegex(@"^silo ready (\S+) gateway (\d+)")]
    private static partial Regex ReadyLine();
}
