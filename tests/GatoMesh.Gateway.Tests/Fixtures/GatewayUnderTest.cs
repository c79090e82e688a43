using GatoMesh.Client;
using GatoMesh.Silo;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>
/// A real serving silo in process (loopback ports): Orleans, the real grains and model (gato-tiny, seeded
/// random weights) and the gateway on its Kestrel. Two fleets: <see cref="KeyA"/> is fleet-a's key,
/// <see cref="KeyB"/> fleet-b's. A <see cref="SessionCallGate"/> sits in front of the session grains.
/// </summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    public const string KeyA = "key-of-fleet-a";
    public const string KeyB = "key-of-fleet-b";

    private GatewayUnderTest(ServingSilo silo, SessionCallGate gate)
    {
        Silo = silo;
        Gate = gate;
    }

    public ServingSilo Silo { get; }

    /// <summary>Gates steps of the session named at the start, or fails every session call (an outage).</summary>
    public SessionCallGate Gate { get; }

    /// <summary>The version the silo's replies name.</summary>
    public string ModelVersion => Silo.ServedVersion.Id;

    public Uri SessionsEndpoint => Silo.SessionsEndpoint;

    public Uri Http(string pathAndQuery) => new($"http://127.0.0.1:{Silo.HttpPort}{pathAndQuery}");

    /// <param name="configure">Changes the gateway's options (limits, health).</param>
    /// <param name="gatedSession">The grain key of the session whose steps wait at <see cref="Gate"/>.</param>
    public static async Task<GatewayUnderTest> StartAsync(Func<GatewayOptions, GatewayOptions>? configure = null, string? gatedSession = null)
    {
        var gate = new SessionCallGate(gatedSession);
        var options = configure is null ? Options() : configure(Options());
        var silo = await ServingSilo.StartAsync(new ServingSiloOptions
        {
            Gateway = options,
            ConfigureSilo = silo => silo.AddOutgoingGrainCallFilter(gate),
        });
        return new GatewayUnderTest(silo, gate);
    }

    private static GatewayOptions Options() => new()
    {
        FleetKeys = new Dictionary<string, string> { [KeyA] = "fleet-a", [KeyB] = "fleet-b" },
        MaxMessageBytes = 256 * 1024,
    };

    public Task<RawGatewaySocket> RawSocketAsync(string key = KeyA) => RawGatewaySocket.ConnectAsync(SessionsEndpoint, key);

    public Task<GatoMeshClient> ClientAsync(string key, WireEncoding encoding = WireEncoding.Protobuf) =>
        GatoMeshClient.ConnectAsync(new GatoMeshClientOptions { Endpoint = SessionsEndpoint, ApiKey = key, Encoding = encoding });

    /// <summary>Stops the whole silo: gateway, grains and engine (its clients then find nothing to reconnect to).</summary>
    public Task StopAsync() => Silo.StopAsync();

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
