using GatoMesh.Client;
using GatoMesh.Data;

namespace GatoMesh.Fleet;

/// <summary>
/// A fleet target reached through a gateway with the client SDK. Sessions are spread round-robin over
/// a few client connections (each one WebSocket multiplexing its sessions), so thousands of agents do
/// not queue behind one socket's sends. Engine counters come from the gateway's <c>/metrics</c>, or
/// from <see cref="EngineTotals"/> when the silo runs in this process.
/// </summary>
public sealed class GatewayTarget : IFleetTarget, IAsyncDisposable
{
    readonly GatoMeshClient[] clients;
    readonly Func<CancellationToken, Task<EngineTotals?>> engineTotals;
    readonly HttpClient? http;
    int opened;

    GatewayTarget(GatoMeshClient[] clients, Func<CancellationToken, Task<EngineTotals?>> engineTotals, HttpClient? http)
    {
        this.clients = clients;
        this.engineTotals = engineTotals;
        this.http = http;
    }

    /// <param name="engineTotals">Reads the engine's counters in process; null: scrape the gateway's /metrics.</param>
    public static async Task<GatewayTarget> ConnectAsync(GatewayAddress address, string apiKey, int connections,
        Func<CancellationToken, Task<EngineTotals?>>? engineTotals = null, CancellationToken ct = default)
    {
        if (connections < 1)
            throw new InvalidFleetOptionException("--connections", connections, "must be at least 1");
        var options = new GatoMeshClientOptions { Endpoint = address.Sessions, ApiKey = apiKey };
        var clients = new List<GatoMeshClient>(connections);
        try
        {
            for (var i = 0; i < connections; i++)
                clients.Add(await GatoMeshClient.ConnectAsync(options, ct).ConfigureAwait(false));
        }
        catch
        {
            foreach (var client in clients)
                await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        HttpClient? http = null;
        if (engineTotals is null)
        {
            http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            engineTotals = new PrometheusEngineTotals(address.Metrics, http).ReadAsync;
        }
        return new GatewayTarget([.. clients], engineTotals, http);
    }

    public async Task<IFleetSession> OpenAsync(string sessionId, string specJson, CancellationToken ct)
    {
        var client = clients[(int)((uint)Interlocked.Increment(ref opened) % (uint)clients.Length)];
        try
        {
            return new Session(await client.OpenSessionAsync(sessionId, specJson, ct: ct).ConfigureAwait(false));
        }
        catch (GatoMeshException e)
        {
            throw Typed(e);
        }
    }

    public Task<EngineTotals?> ReadEngineTotalsAsync(CancellationToken ct) => engineTotals(ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
            await client.DisposeAsync().ConfigureAwait(false);
        http?.Dispose();
    }

    static FleetSessionException Typed(GatoMeshException e) => new(e.Code, e.Field, e.Message);

    sealed class Session(EpisodeSession session) : IFleetSession
    {
        public async Task<ActionReply> StepAsync(FieldValues observation, CancellationToken ct)
        {
            try
            {
                return await session.StepAsync(observation, ct).ConfigureAwait(false);
            }
            catch (GatoMeshException e)
            {
                throw Typed(e);
            }
        }

        public async Task ResetAsync(CancellationToken ct)
        {
            try
            {
                await session.ResetAsync(ct).ConfigureAwait(false);
            }
            catch (GatoMeshException e)
            {
                throw Typed(e);
            }
        }

        public async Task CloseAsync(CancellationToken ct)
        {
            try
            {
                await session.CloseAsync(ct).ConfigureAwait(false);
            }
            catch (GatoMeshException e)
            {
                throw Typed(e);
            }
        }
    }
}
