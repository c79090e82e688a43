using GatoMesh.Fleet;
using GatoMesh.Gateway;
using GatoMesh.Silo;

namespace GatoMesh.Bench.Serving;

/// <summary>One serving silo in this process with a gateway on a free loopback port (the embedded
/// default `gatomesh fleet` uses), so the benchmark's agents take the user's path: client SDK,
/// WebSocket, gateway, session grain, engine.</summary>
internal sealed class EmbeddedServing : IAsyncDisposable
{
    const string ApiKey = "serving-bench";

    EmbeddedServing(ServingSilo silo, GatewayServer gateway)
    {
        Silo = silo;
        Gateway = gateway;
    }

    public ServingSilo Silo { get; }
    public GatewayServer Gateway { get; }

    public static async Task<EmbeddedServing> StartAsync(ServingSiloOptions options)
    {
        var silo = await ServingSilo.StartAsync(options);
        try
        {
            var gateway = await GatewayServer.StartAsync(new GatewayOptions
            {
                FleetKeys = new Dictionary<string, string> { [ApiKey] = "bench" },
            }, silo.GrainFactory);
            return new EmbeddedServing(silo, gateway);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>A target over <paramref name="connections"/> client sockets, reading the engine in process.</summary>
    public Task<GatewayTarget> ConnectAsync(int connections) =>
        GatewayTarget.ConnectAsync(GatewayAddress.Parse($"127.0.0.1:{Gateway.Port}"), ApiKey, connections,
            _ => Task.FromResult<EngineTotals?>(EngineTotals()));

    public EngineTotals EngineTotals()
    {
        var m = Silo.EngineMetrics;
        return new EngineTotals(m.Iterations, m.DecodeTokens, m.PrefillTokens, m.BatchedSequences);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Silo.DisposeAsync();
    }
}
