using GatoMesh.Fleet;
using GatoMesh.Gateway;
using GatoMesh.Silo;

namespace GatoMesh.Cli;

/// <summary>
/// The embedded default of <c>gatomesh fleet</c> (ARCHITECTURE.md, "Defaults"): a serving silo in this
/// process whose gateway, on a free loopback port, admits one fleet with a random key, so the agents
/// take the same path (client SDK, WebSocket, gateway, session grain, engine) as against a cluster,
/// and the engine's counters are read in process.
/// </summary>
internal sealed class EmbeddedServing : IAsyncDisposable
{
    public const string FleetName = "embedded";

    EmbeddedServing(ServingSilo silo, string apiKey)
    {
        Silo = silo;
        ApiKey = apiKey;
    }

    public ServingSilo Silo { get; }
    public string ApiKey { get; }
    public GatewayAddress Address => GatewayAddress.Parse(Silo.SessionsEndpoint!.ToString());

    public static async Task<EmbeddedServing> StartAsync(ServingSiloOptions options, CancellationToken ct)
    {
        var apiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var silo = await ServingSilo.StartAsync(options with
        {
            Gateway = new GatewayOptions { FleetKeys = new Dictionary<string, string> { [apiKey] = FleetName } },
        }, cancellation: ct);
        return new EmbeddedServing(silo, apiKey);
    }

    public EngineTotals EngineTotals()
    {
        var m = Silo.EngineMetrics;
        return new EngineTotals(m.Iterations, m.DecodeTokens, m.PrefillTokens, m.BatchedSequences);
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
