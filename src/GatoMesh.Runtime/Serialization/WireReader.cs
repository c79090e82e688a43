using System.Buffers.Binary;
using System.Text;

namespace GatoMesh.Runtime.Serialization;

/// <summary>Reads what <see cref="WireWriter"/> wrote. Every read is bounds-checked: a short or lying
/// frame raises <see cref="WireFormatException"/>, never an out-of-range access.</summary>
public sealed class WireReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    internal WireReader(ReadOnlyMemory<byte> data)
    {
        _data = data;
    }

    internal int Position => _position;
    internal int Remaining => _data.Length - _position;
    internal ReadOnlyMemory<byte> RemainingMemory => _data[_position..];

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
            throw new WireFormatException($"frame too short: wanted {count} bytes at offset {_position}, {_data.Length - _position} left");
        var span = _data.Span.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte ReadByte() => Take(1)[0];
    public bool ReadBoolean() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new WireFormatException($"boolean byte must be 0 or 1, was {b}"),
    };
    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
    public Guid ReadGuid() => new(Take(16));

    public string? ReadString()
    {
        int length = ReadInt32();
        if (length == -1) return null;
        if (length < 0) throw new WireFormatException($"string length must be >= -1, was {length}");
        try
        {
            return StrictUtf8.GetString(Take(length));
        }
        catch (DecoderFallbackException e)
        {
            throw new WireFormatException($"string at offset {_position - length} is not valid UTF-8: {e.Message}");
        }
    }

    /// <summary>A grain type name: like <see cref="ReadRequiredString"/>, but repeated names share one string.</summary>
    internal string ReadTypeName(string field)
    {
        int length = ReadInt32();
        if (length < 0) throw new WireFormatException($"field '{field}' must be a non-null string, length was {length}");
        var bytes = Take(length);
        try
        {
            StrictUtf8.GetCharCount(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new WireFormatException($"field '{field}' is not valid UTF-8: {e.Message}");
        }
        return NameCache.Get(bytes);
    }

    /// <summary>A string that must be present (identifiers in the envelope).</summary>
    internal string ReadRequiredString(string field) =>
        ReadString() ?? throw new WireFormatException($"field '{field}' must not be null");

    public byte[]? ReadNullableBytes()
    {
        int length = ReadInt32();
        if (length == -1) return null;
        if (length < 0) throw new WireFormatException($"byte array length must be >= -1, was {length}");
        return Take(length).ToArray();
    }

    public byte[] ReadBytes() => ReadNullableBytes() ?? throw new WireFormatException("byte array must not be null");

    internal ReadOnlySpan<byte> ReadLengthPrefixedSpan()
    {
        int length = ReadInt32();
        if (length < 0) throw new WireFormatException($"length must be >= 0, was {length}");
        return Take(length);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

/// <summary>Bytes that do not follow the wire format (a truncated or forged frame).</summary>
public sealed class WireFormatException(string message) : Exception(message);
