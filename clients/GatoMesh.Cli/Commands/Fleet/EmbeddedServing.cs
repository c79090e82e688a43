using GatoMesh.Fleet;
using GatoMesh.Gateway;
using GatoMesh.Silo;

namespace GatoMesh.Cli;

/// <summary>
/// The embedded default of <c>gatomesh fleet</c> (ARCHITECTURE.md, "Defaults"): a serving silo in this
/// process with a gateway on a free loopback port that admits one fleet, so the agents take the same
/// path (client SDK, WebSocket, gateway, session grain, engine) as against a cluster, and the engine's
/// counters are read in process.
/// </summary>
internal sealed class EmbeddedServing : IAsyncDisposable
{
    public const string FleetName = "embedded";

    EmbeddedServing(ServingSilo silo, GatewayServer gateway, string apiKey)
    {
        Silo = silo;
        Gateway = gateway;
        ApiKey = apiKey;
    }

    public ServingSilo Silo { get; }
    public GatewayServer Gateway { get; }
    public string ApiKey { get; }
    public GatewayAddress Address => GatewayAddress.Parse($"127.0.0.1:{Gateway.Port}");

    public static async Task<EmbeddedServing> StartAsync(ServingSiloOptions options, CancellationToken ct)
    {
        var silo = await ServingSilo.StartAsync(options, cancellation: ct);
        try
        {
            var apiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            var gateway = await GatewayServer.StartAsync(new GatewayOptions
            {
                FleetKeys = new Dictionary<string, string> { [apiKey] = FleetName },
            }, silo.GrainFactory, ct: ct);
            return new EmbeddedServing(silo, gateway, apiKey);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

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
