using GatoMesh.Fleet;
using GatoMesh.Gateway;
using GatoMesh.Silo;

namespace GatoMesh.Bench.Serving;

/// <summary>One serving silo in this process with its gateway on a free loopback port (as
/// `gatomesh fleet` embeds it), so the benchmark's agents take the user's path: client SDK,
/// WebSocket, gateway, session grain, engine.</summary>
internal sealed class EmbeddedServing : IAsyncDisposable
{
    const string ApiKey = "serving-bench";

    EmbeddedServing(ServingSilo silo) => Silo = silo;

    public ServingSilo Silo { get; }

    public static async Task<EmbeddedServing> StartAsync(ServingSiloOptions options) =>
        new(await ServingSilo.StartAsync(options with
        {
            Gateway = new GatewayOptions { FleetKeys = new Dictionary<string, string> { [ApiKey] = "bench" } },
        }));

    /// <summary>A target over <paramref name="connections"/> client sockets, reading the engine in process.</summary>
    public Task<GatewayTarget> ConnectAsync(int connections) =>
        GatewayTarget.ConnectAsync(GatewayAddress.Parse(Silo.SessionsEndpoint!.ToString()), ApiKey, connections,
            _ => Task.FromResult<EngineTotals?>(EngineTotals()));

    public EngineTotals EngineTotals()
    {
        var m = Silo.EngineMetrics;
        return new EngineTotals(m.Iterations, m.DecodeTokens, m.PrefillTokens, m.BatchedSequences);
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
