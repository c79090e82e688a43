using GatoMesh.Runtime.Serialization;

namespace GatoMesh.Runtime.Transport;

/// <summary>
/// Frame layout: u32 length (of everything after it, little-endian) | u8 version | u8 kind | body.
/// A frame longer than the receiver's limit, with an unknown version or kind, or whose body does not
/// parse, closes the connection (it cannot be resynchronized); the silo itself is unaffected.
/// </summary>
internal static class Frames
{
    public const byte Version = 1;
    public const int LengthPrefix = 4;
    public const int DefaultMaxFrameBytes = 4 * 1024 * 1024;

    public static WireWriter Start(FrameKind kind)
    {
        var w = new WireWriter();
        w.WriteInt32(0);
        w.WriteByte(Version);
        w.WriteByte((byte)kind);
        return w;
    }

    /// <summary>Patches the length prefix; returns the whole frame's size.</summary>
    public static int Finish(WireWriter w)
    {
        w.PatchInt32(0, w.Length - LengthPrefix);
        return w.Length;
    }

    public static WireWriter StartRequest(in RequestHeader header)
    {
        var w = Start(FrameKind.Request);
        w.WriteInt64(header.CorrelationId);
        w.WriteInt64(header.TargetGeneration);
        w.WriteByte(header.Hops);
        w.WriteString(header.Grain.Type);
        w.WriteString(header.Grain.Key);
        w.WriteInt32(header.MethodId);
        return w;
    }

    public static RequestHeader ReadRequestHeader(WireReader r)
    {
        long correlation = r.ReadInt64();
        long generation = r.ReadInt64();
        byte hops = r.ReadByte();
        var grain = new GrainId(r.ReadTypeName("grain type"), r.ReadRequiredString("grain key"));
        int method = r.ReadInt32();
        return new RequestHeader(correlation, generation, hops, grain, method);
    }

    public static WireWriter StartResponse(long correlationId, ResponseStatus status)
    {
        var w = Start(FrameKind.Response);
        w.WriteInt64(correlationId);
        w.WriteByte((byte)status);
        return w;
    }

    /// <summary>A response carrying an error: the exception's type name and message.</summary>
    public static WireWriter ErrorResponse(long correlationId, ResponseStatus status, string type, string message)
    {
        var w = StartResponse(correlationId, status);
        w.WriteString(type);
        w.WriteString(message);
        return w;
    }
}

/// <summary>The envelope of a request frame. TargetGeneration 0 means "any incarnation" (clients
/// talking to a gateway); silos always name the generation they believe the target has.</summary>
internal readonly record struct RequestHeader(long CorrelationId, long TargetGeneration, byte Hops, GrainId Grain, int MethodId);
