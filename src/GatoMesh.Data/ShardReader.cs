using System.Buffers.Binary;
using System.Text;

namespace GatoMesh.Data;

/// <summary>
/// Reads a shard front to back, checking every record's checksum before decoding it. A file that
/// ends inside a record is a <see cref="ShardTruncatedException"/>; a checksum mismatch, a bad
/// header or a payload that does not decode is a <see cref="ShardCorruptException"/>. Both name the
/// shard and the record, and nothing from a bad record is ever returned.
/// </summary>
public sealed class ShardReader : IDisposable
{
    readonly FileStream stream;
    int record;

    ShardReader(FileStream stream, ShardHeader header)
    {
        this.stream = stream;
        Header = header;
    }

    public ShardHeader Header { get; }
    public string Path => stream.Name;

    public static ShardReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var prefix = new byte[ShardFormat.Magic.Length + 4];
            if (stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false) < prefix.Length)
                throw new ShardTruncatedException(path, -1, 0, "the file ends inside the magic and version");
            if (!prefix.AsSpan(0, ShardFormat.Magic.Length).SequenceEqual(ShardFormat.Magic))
                throw new ShardCorruptException(path, -1, 0, "not a GatoMesh shard (bad magic)");
            var version = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(ShardFormat.Magic.Length));
            if (version != ShardFormat.Version)
                throw new ShardCorruptException(path, -1, ShardFormat.Magic.Length, $"version {version}, this reader knows {ShardFormat.Version}");
            var json = ReadFramed(stream, path, -1);
            ShardHeader header;
            try
            {
                header = ShardHeader.Parse(Encoding.UTF8.GetString(json));
            }
            catch (FormatException e)
            {
                throw new ShardCorruptException(path, -1, prefix.Length, $"bad header: {e.Message}");
            }
            return new ShardReader(stream, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public IEnumerable<EpisodeRecord> ReadEpisodes()
    {
        var spec = Header.Spec ?? throw new InvalidOperationException($"{Path} holds {Header.Kind}, not episodes");
        while (NextPayload() is { } payload)
            yield return Decode(() => RecordCodec.DecodeEpisode(payload, Header.Task, spec));
    }

    public IEnumerable<CaptionRecord> ReadCaptions()
    {
        if (Header.Kind != ShardHeader.CaptionsKind)
            throw new InvalidOperationException($"{Path} holds {Header.Kind}, not captions");
        while (NextPayload() is { } payload)
            yield return Decode(() => RecordCodec.DecodeCaption(payload, Header.ImageHeight, Header.ImageWidth));
    }

    /// <summary>Every record of the shard, checked (checksums and decoding) and counted.</summary>
    public int Verify() => Header.Kind == ShardHeader.EpisodesKind ? ReadEpisodes().Count() : ReadCaptions().Count();

    /// <summary>The next checked payload, or null at the clean end of the file.</summary>
    internal byte[]? NextPayload()
    {
        if (stream.Position == stream.Length)
            return null;
        var payload = ReadFramed(stream, Path, record);
        record++;
        return payload;
    }

    T Decode<T>(Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is FormatException or Tokens.TokenSpaceException)
        {
            throw new ShardCorruptException(Path, record - 1, stream.Position, $"the payload does not decode: {e.Message}");
        }
    }

    static byte[] ReadFramed(FileStream stream, string path, int index)
    {
        var start = stream.Position;
        Span<byte> word = stackalloc byte[4];
        if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            throw new ShardTruncatedException(path, index, start, "the file ends inside the length prefix");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(word);
        var lengthCrc = Crc32.Compute(word);
        if (length > ShardFormat.MaxRecordBytes)
            throw new ShardCorruptException(path, index, start, $"length prefix {length} exceeds the {ShardFormat.MaxRecordBytes}-byte limit");
        var remaining = stream.Length - stream.Position;
        if (remaining < length + 4L)
            throw new ShardTruncatedException(path, index, start, $"the record declares {length} bytes and its checksum, {remaining} remain");
        var payload = new byte[length];
        stream.ReadExactly(payload);
        stream.ReadExactly(word);
        var crc = Crc32.Append(lengthCrc, payload);
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(word);
        if (crc != stored)
            throw new ShardCorruptException(path, index, start, $"checksum mismatch (stored {stored:x8}, computed {crc:x8})");
        return payload;
    }

    public void Dispose() => stream.Dispose();
}
