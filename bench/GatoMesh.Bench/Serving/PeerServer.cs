using System.Diagnostics;
using GatoMesh.Fleet;
using GatoMesh.Model;

namespace GatoMesh.Bench.Serving;

/// <summary>
/// The peer (bench/peer/policy_server.py): a plain Python WebSocket policy server with the same weights in
/// eager PyTorch, serving each request as it comes, started as a child process on a free loopback port and
/// driven by the same fleet through the same client SDK as GatoMesh's gateway.
/// </summary>
internal sealed class PeerServer : IAsyncDisposable
{
    readonly Process process;

    PeerServer(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PeerServer> StartAsync(GatoModel model, string folder, int threads, string device = "cpu")
    {
        Checkpoint.Save(model, folder);
        var script = Path.Combine(BenchResults.RepoRoot(), "bench", "peer", "policy_server.py");
        var python = Environment.GetEnvironmentVariable("GATOMESH_PEER_PYTHON") ?? "/usr/bin/python3";
        var start = new ProcessStartInfo(python, ["-u", script, "--checkpoint", folder, "--threads", threads.ToString(), "--device", device])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OPENBLAS_NUM_THREADS"] = Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? "1";
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine($"peer: {line}"); };
        process.BeginErrorReadLine();
        var ready = process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(60))) != ready || ready.Result is not { } line || !line.StartsWith("listening "))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the peer policy server did not start within 60 s");
        }
        return new PeerServer(process, int.Parse(line["listening ".Length..]));
    }

    /// <summary>A fleet target over <paramref name="connections"/> sockets (the peer has no engine counters).</summary>
    public Task<GatewayTarget> ConnectAsync(int connections) =>
        GatewayTarget.ConnectAsync(GatewayAddress.Parse($"ws://127.0.0.1:{Port}/v1/sessions"), "peer", connections,
            _ => Task.FromResult<EngineTotals?>(null));

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
