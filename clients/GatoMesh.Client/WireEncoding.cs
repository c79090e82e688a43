namespace GatoMesh.Client;

/// <summary>How frames are written on the socket (docs/GATEWAY.md, "Encodings").</summary>
public enum WireEncoding
{
    /// <summary>Binary frames: protobuf (the compact default).</summary>
    Protobuf,

    /// <summary>Text frames: protobuf's JSON mapping of the same messages (readable, for debugging).</summary>
    Json,
}
