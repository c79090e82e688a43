using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace GatoMesh.Runtime.Serialization;

/// <summary>
/// Appends little-endian primitives to a growable buffer rented from the shared array pool. One writer
/// builds one frame; the transport returns the buffer to the pool once the bytes are on the socket,
/// so steady-state calls allocate no buffers. Formats: see docs/RUNTIME.md, "Wire format".
/// </summary>
public sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    internal WireWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    internal int Length => _length;
    internal byte[] Buffer => _buffer;
    internal ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Gives the buffer away (to the transport, which returns it to the pool).</summary>
    internal byte[] Detach()
    {
        var b = _buffer;
        _buffer = [];
        _length = 0;
        return b;
    }

    internal void ReturnBuffer()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    internal void PatchInt32(int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(offset, 4), value);

    public void WriteByte(byte value) => Reserve(1)[0] = value;
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);
    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), value);
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);
    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);
    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);
    public void WriteGuid(Guid value) => value.TryWriteBytes(Reserve(16));

    /// <summary>Length (-1 for null) then UTF-8 bytes.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        int lengthAt = _length;
        Reserve(4);
        var span = Reserve(max);
        int written = Encoding.UTF8.GetBytes(value, span);
        _length -= max - written;
        PatchInt32(lengthAt, written);
    }

    /// <summary>Length (-1 for null) then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    public void WriteNullableBytes(byte[]? value)
    {
        if (value is null) WriteInt32(-1);
        else WriteBytes(value);
    }

    /// <summary>Raw bytes without a length (the rest of a frame).</summary>
    internal void WriteRaw(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));
}
