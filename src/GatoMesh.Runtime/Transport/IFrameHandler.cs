using GatoMesh.Runtime.Serialization;

namespace GatoMesh.Runtime.Transport;

/// <summary>Receives the frames of a connection, on its read loop (so it must not block).</summary>
internal interface IFrameHandler
{
    /// <summary>Handles one frame; a <see cref="WireFormatException"/> closes the connection.</summary>
    void OnFrame(Connection connection, FrameKind kind, WireReader body, ReadOnlyMemory<byte> bodyBytes);

    void OnClosed(Connection connection, Exception? error);
}
