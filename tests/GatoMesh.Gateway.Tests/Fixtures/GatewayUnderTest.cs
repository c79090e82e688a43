using GatoMesh.Runtime.Hosting;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>A real silo (in process, loopback ports) with a real gateway over its grain factory.
/// Two fleets: <see cref="KeyA"/> is fleet-a's key, <see cref="KeyB"/> fleet-b's.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    public const string KeyA = "key-of-fleet-a";
    public const string KeyB = "key-of-fleet-b";

    private GatewayUnderTest(SiloHost silo, GatewayServer gateway)
    {
        Silo = silo;
        Gateway = gateway;
    }

    public SiloHost Silo { get; }

    public GatewayServer Gateway { get; }

    public Uri SessionsEndpoint => new($"ws://127.0.0.1:{Gateway.Port}{GatewayServer.SessionsPath}");

    public Uri Http(string pathAndQuery) => new($"http://127.0.0.1:{Gateway.Port}{pathAndQuery}");

    public static async Task<GatewayUnderTest> StartAsync(Func<GatewayOptions, GatewayOptions>? configure = null)
    {
        var silo = await SiloHost.StartAsync(new SiloOptions());
        try
        {
            var options = new GatewayOptions
            {
                FleetKeys = new Dictionary<string, string> { [KeyA] = "fleet-a", [KeyB] = "fleet-b" },
                MaxMessageBytes = 256 * 1024,
            };
            var gateway = await GatewayServer.StartAsync(configure is null ? options : configure(options), silo.GrainFactory, null, default);
            return new GatewayUnderTest(silo, gateway);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    public Task<RawGatewaySocket> RawSocketAsync(string key = KeyA) => RawGatewaySocket.ConnectAsync(SessionsEndpoint, key);

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Silo.DisposeAsync();
    }
}
