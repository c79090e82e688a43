using GatoMesh.Fleet;
using GatoMesh.Silo;

namespace GatoMesh.Bench.Serving;

/// <summary>The embedded silo with its gateway (<see cref="EmbeddedSilo"/>, as `gatomesh fleet` runs it), so
/// the benchmark's agents take the user's path: client SDK, WebSocket, gateway, session grain, engine.</summary>
internal sealed class EmbeddedServing : IAsyncDisposable
{
    readonly EmbeddedSilo embedded;

    EmbeddedServing(EmbeddedSilo embedded) => this.embedded = embedded;

    public ServingSilo Silo => embedded.Silo;

    public static async Task<EmbeddedServing> StartAsync(ServingSiloOptions options) => new(await EmbeddedSilo.StartAsync(options, "bench"));

    /// <summary>A target over <paramref name="connections"/> client sockets, reading the engine in process.</summary>
    public Task<GatewayTarget> ConnectAsync(int connections) =>
        GatewayTarget.ConnectAsync(GatewayAddress.Parse(embedded.SessionsEndpoint.ToString()), embedded.ApiKey, connections,
            _ => Task.FromResult<EngineTotals?>(EngineTotals()));

    public EngineTotals EngineTotals()
    {
        var m = Silo.EngineMetrics;
        return new EngineTotals(m.Iterations, m.DecodeTokens, m.PrefillTokens, m.BatchedSequences);
    }

    public ValueTask DisposeAsync() => embedded.DisposeAsync();
}
