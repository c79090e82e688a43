using System.Buffers.Binary;
using System.Text;

namespace GatoMesh.Data;

/// <summary>
/// Appends records to one shard file. Records are only ever appended: <see cref="Create"/> starts a
/// new file, <see cref="Append"/> first reads the existing one through <see cref="ShardReader"/> (a
/// truncated or corrupt shard is reported, never extended). Each record is written with its length
/// and checksum in one write and flushed, so an interrupted writer leaves at most one partial
/// record at the end, which a reader reports as truncation.
/// </summary>
public sealed class ShardWriter : IDisposable
{
    readonly FileStream stream;

    ShardWriter(FileStream stream, ShardHeader header, int records)
    {
        this.stream = stream;
        Header = header;
        RecordCount = records;
    }

    public ShardHeader Header { get; }
    public string Path => stream.Name;

    /// <summary>Records in the shard, including those written before it was opened.</summary>
    public int RecordCount { get; private set; }

    public static ShardWriter Create(string path, ShardHeader header)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var json = Encoding.UTF8.GetBytes(header.ToJson());
        var bytes = new byte[ShardFormat.Magic.Length + 4];
        ShardFormat.Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ShardFormat.Magic.Length), ShardFormat.Version);
        stream.Write(bytes);
        stream.Write(Framed(json));
        stream.Flush(flushToDisk: true);
        return new ShardWriter(stream, header, 0);
    }

    /// <summary>Opens an existing, intact shard for appending.</summary>
    public static ShardWriter Append(string path)
    {
        ShardHeader header;
        var records = 0;
        using (var reader = ShardReader.Open(path))
        {
            header = reader.Header;
            while (reader.NextPayload() is not null)
                records++;
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new ShardWriter(stream, header, records);
    }

    public void Write(EpisodeRecord episode)
    {
        if (Header.Spec is null)
            throw new InvalidOperationException($"{Path} holds {Header.Kind}, not episodes");
        if (episode.Task != Header.Task)
            throw new ArgumentException($"episode of task {episode.Task} written to the shard of {Header.Task}", nameof(episode));
        WritePayload(RecordCodec.EncodeEpisode(episode, Header.Spec));
    }

    public void Write(CaptionRecord caption)
    {
        if (Header.Kind != ShardHeader.CaptionsKind)
            throw new InvalidOperationException($"{Path} holds {Header.Kind}, not captions");
        if (caption.Height != Header.ImageHeight || caption.Width != Header.ImageWidth || caption.Image.Length != caption.Height * caption.Width * 3)
            throw new ArgumentException($"a {caption.Height}x{caption.Width} image in a shard of {Header.ImageHeight}x{Header.ImageWidth} images", nameof(caption));
        WritePayload(RecordCodec.EncodeCaption(caption));
    }

    void WritePayload(byte[] payload)
    {
        if (payload.Length > ShardFormat.MaxRecordBytes)
            throw new ArgumentException($"a record of {payload.Length} bytes exceeds the {ShardFormat.MaxRecordBytes}-byte limit");
        stream.Write(Framed(payload));
        stream.Flush();
        RecordCount++;
    }

    /// <summary>length | bytes | CRC32(length || bytes).</summary>
    static byte[] Framed(byte[] payload)
    {
        var framed = new byte[payload.Length + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(framed, (uint)payload.Length);
        payload.CopyTo(framed, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(framed.AsSpan(payload.Length + 4), Crc32.Compute(framed.AsSpan(0, payload.Length + 4)));
        return framed;
    }

    public void Dispose()
    {
        stream.Flush(flushToDisk: true);
        stream.Dispose();
    }
}
