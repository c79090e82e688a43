namespace GatoMesh.Gateway;

/// <summary>Whom a silo's gateway lets in and how much it reads (docs/GATEWAY.md). Where it listens is the
/// silo host's (its HTTP port).</summary>
public sealed record GatewayOptions
{
    /// <summary>API key -> fleet. A connection authenticates with one key and acts as its fleet: every
    /// session id it names is that fleet's (SessionKeys.Of), so fleets never see each other's sessions.</summary>
    public IReadOnlyDictionary<string, string> FleetKeys { get; init; } = new Dictionary<string, string>();

    /// <summary>Largest frame read whole. A bigger one is answered <c>TooLarge</c> and skipped; one
    /// above <see cref="OversizeCloseFactor"/> times this closes the socket (status 1009).</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Requests of one socket being served at once; more wait (the socket is read no further).</summary>
    public int MaxRequestsInFlightPerSocket { get; init; } = 16_384;

    /// <summary>What /health reports, supplied by the silo; null: always serving, nothing else known.</summary>
    public Func<GatewayHealth>? Health { get; init; }

    /// <summary>A frame this many times <see cref="MaxMessageBytes"/> is a protocol violation, not a
    /// mistake worth reading through.</summary>
    public const int OversizeCloseFactor = 16;
}
