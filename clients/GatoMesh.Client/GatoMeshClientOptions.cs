using GatoMesh.Protos.V1;

namespace GatoMesh.Client;

/// <summary>Where and how a <see cref="GatoMeshClient"/> connects.</summary>
public sealed record GatoMeshClientOptions
{
    /// <summary>The gateway's session endpoint, e.g. <c>ws://127.0.0.1:PORT/v1/sessions</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The fleet's API key (sent as <c>Authorization: Bearer KEY</c>).</summary>
    public required string ApiKey { get; init; }

    public WireEncoding Encoding { get; init; } = WireEncoding.Protobuf;

    /// <summary>Tries per request (the first send plus retries after a lost connection, a timeout or an
    /// <c>Unavailable</c> answer) before it fails with <see cref="ErrorCode.Unavailable"/>. With the default
    /// delays the 8 tries span about 11 s: longer than a cluster takes to declare a killed silo dead and
    /// move its sessions (docs/MEMBERSHIP.md, "Failure detection"), so a robot rides out a silo crash.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>How long one try waits for its answer; then the connection is deemed dead, dropped and
    /// the request retried on a new one.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause before the first retry; it doubles with each further try (capped at 5 s).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
