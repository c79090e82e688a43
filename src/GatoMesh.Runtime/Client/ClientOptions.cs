namespace GatoMesh.Runtime.Client;

/// <summary>How a <see cref="ClusterClient"/> reaches the cluster.</summary>
public sealed record ClientOptions
{
    /// <summary>Gateway endpoints ("host:port"); the client uses one and fails over to the next.</summary>
    public required IReadOnlyList<string> Gateways { get; init; }

    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxFrameBytes { get; init; } = Transport.Frames.DefaultMaxFrameBytes;
}
