using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Silo;

/// <summary>
/// The embedded default as a program uses it (docs/ARCHITECTURE.md, "Defaults"): a serving silo in this
/// process whose gateway, on a free loopback port, admits one fleet with a random key. The demo, eval,
/// fleets and benchmarks drive it through the gateway and the client SDK, so what they measure is the
/// path users take (WebSocket, gateway, session grain, engine), never a shortcut.
/// </summary>
public sealed class EmbeddedSilo : IAsyncDisposable
{
    private EmbeddedSilo(ServingSilo silo, string fleet, string apiKey)
    {
        Silo = silo;
        Fleet = fleet;
        ApiKey = apiKey;
    }

    public ServingSilo Silo { get; }

    /// <summary>The one fleet its gateway admits.</summary>
    public string Fleet { get; }

    /// <summary>That fleet's key (random, known only to this process).</summary>
    public string ApiKey { get; }

    /// <summary>The gateway's WebSocket endpoint for sessions.</summary>
    public Uri SessionsEndpoint => Silo.SessionsEndpoint;

    public static async Task<EmbeddedSilo> StartAsync(ServingSiloOptions options, string fleet, ILoggerFactory? loggers = null, CancellationToken cancellation = default)
    {
        var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var silo = await ServingSilo.StartAsync(options with
        {
            Gateway = options.Gateway with { FleetKeys = new Dictionary<string, string> { [apiKey] = fleet } },
        }, loggers, cancellation);
        return new EmbeddedSilo(silo, fleet, apiKey);
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
