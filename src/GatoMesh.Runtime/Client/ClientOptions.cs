namespace GatoMesh.Runtime.Client;

/// <summary>How a <see cref="ClusterClient"/> reaches the cluster.</summary>
public sealed record ClientOptions
{
    /// <summary>Gateway endpoints ("host:port") to start from; the client uses one and fails over to the
    /// next, and adds the gateways of every Active silo it learns from the cluster.</summary>
    public required IReadOnlyList<string> Gateways { get; init; }

    /// <summary>How often the client asks its gateway for the cluster's current gateways (also asked on
    /// every new gateway connection).</summary>
    public TimeSpan GatewayListRefreshPeriod { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxFrameBytes { get; init; } = Transport.Frames.DefaultMaxFrameBytes;
}
