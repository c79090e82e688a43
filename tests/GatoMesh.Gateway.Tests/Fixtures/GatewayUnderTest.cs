using GatoMesh.Client;
using GatoMesh.Runtime;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Silo;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>
/// A real silo in process (loopback ports) with a real gateway over its grain factory. Two fleets:
/// <see cref="KeyA"/> is fleet-a's key, <see cref="KeyB"/> fleet-b's. <see cref="StartAsync"/> runs a bare
/// runtime silo (for what the gateway answers by itself); <see cref="StartServingAsync"/> the serving
/// silo with the real grains and model (gato-tiny, seeded random weights).
/// </summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    public const string KeyA = "key-of-fleet-a";
    public const string KeyB = "key-of-fleet-b";

    private readonly Func<Task> _stopSilo;

    private GatewayUnderTest(GatewayServer gateway, Func<Task> stopSilo, string? modelVersion)
    {
        Gateway = gateway;
        _stopSilo = stopSilo;
        ModelVersion = modelVersion;
    }

    public GatewayServer Gateway { get; }

    /// <summary>The version the serving silo's replies name (null for a bare silo).</summary>
    public string? ModelVersion { get; }

    public Uri SessionsEndpoint => new($"ws://127.0.0.1:{Gateway.Port}{GatewayServer.SessionsPath}");

    public Uri Http(string pathAndQuery) => new($"http://127.0.0.1:{Gateway.Port}{pathAndQuery}");

    public static async Task<GatewayUnderTest> StartAsync(Func<GatewayOptions, GatewayOptions>? configure = null)
    {
        var silo = await SiloHost.StartAsync(new SiloOptions());
        try
        {
            var gateway = await GatewayServer.StartAsync(Configure(Options(), configure), silo.GrainFactory, null, default);
            return new GatewayUnderTest(gateway, () => silo.StopAsync(), null);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <param name="wrapGrains">Puts something between the gateway and the silo's grain factory.</param>
    public static async Task<GatewayUnderTest> StartServingAsync(Func<IGrainFactory, IGrainFactory>? wrapGrains = null, int? maxMessageBytes = null)
    {
        var silo = await ServingSilo.StartAsync(new ServingSiloOptions());
        try
        {
            var options = Options() with
            {
                MaxMessageBytes = maxMessageBytes ?? Options().MaxMessageBytes,
                Health = () => new GatewayHealth(silo.Host.Address.ToString(), true, silo.ServedVersion.Id, 0),
            };
            var grains = wrapGrains is null ? silo.GrainFactory : wrapGrains(silo.GrainFactory);
            var gateway = await GatewayServer.StartAsync(options, grains, null, default);
            return new GatewayUnderTest(gateway, () => silo.StopAsync(), silo.ServedVersion.Id);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private static GatewayOptions Options() => new()
    {
        FleetKeys = new Dictionary<string, string> { [KeyA] = "fleet-a", [KeyB] = "fleet-b" },
        MaxMessageBytes = 256 * 1024,
    };

    private static GatewayOptions Configure(GatewayOptions options, Func<GatewayOptions, GatewayOptions>? configure) =>
        configure is null ? options : configure(options);

    public Task<RawGatewaySocket> RawSocketAsync(string key = KeyA) => RawGatewaySocket.ConnectAsync(SessionsEndpoint, key);

    public Task<GatoMeshClient> ClientAsync(string key, WireEncoding encoding = WireEncoding.Protobuf) =>
        GatoMeshClient.ConnectAsync(new GatoMeshClientOptions { Endpoint = SessionsEndpoint, ApiKey = key, Encoding = encoding });

    /// <summary>Stops the silo under the running gateway (its calls then fail as the runtime reports).</summary>
    public Task StopSiloAsync() => _stopSilo();

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await _stopSilo();
    }
}
