using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GatoMesh.Grains.Tests.Fixtures;

/// <summary>A silos/GatoMesh.Silo child process (the product silo), up once it printed its ready line.</summary>
internal sealed partial class ServingSiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServingSiloProcess(Process process, string address, int gatewayPort)
    {
        _process = process;
        Address = address;
        Gateway = $"127.0.0.1:{gatewayPort}";
    }

    /// <summary>host:port@generation, as membership names the silo.</summary>
    public string Address { get; }

    /// <summary>The runtime gateway (for ClusterClient).</summary>
    public string Gateway { get; }

    public static async Task<ServingSiloProcess> StartAsync(params string[] args)
    {
        var dll = ReadyLineProcess.BuiltAssembly("silos/GatoMesh.Silo", "GatoMesh.Silo");
        var (process, m, _) = await ReadyLineProcess.StartAsync(dll, args, ReadyLine(), TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" });
        return new ServingSiloProcess(process, m.Groups[1].Value, int.Parse(m.Groups[2].Value));
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

    [GeneratedRegex(@"^silo ready (\S+) gateway (\d+)")]
    private static partial Regex ReadyLine();
}
