using System.Buffers.Binary;
using System.Text;
using GatoMesh.Tokens;

namespace GatoMesh.Data;

/// <summary>
/// The payload of one record (docs/DATA.md, "Records"), little-endian. An episode: seed (u64),
/// step count (u32), then per step the observation fields in spec order, the action fields in spec
/// order and the reward (f32). Text is a u32 byte length and UTF-8; an image its H*W*3 bytes;
/// continuous fields f32 per element; discrete fields i32 per element. A caption: seed (u64), the
/// image's bytes, the caption as a u32 length and UTF-8. Sizes come from the shard's header, so
/// a payload carries no names.
/// </summary>
internal static class RecordCodec
{
    public static byte[] EncodeEpisode(EpisodeRecord episode, EmbodimentSpec spec)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(episode.Seed);
        writer.Write((uint)episode.Steps.Count);
        foreach (var step in episode.Steps)
        {
            foreach (var field in spec.Observation)
                WriteField(writer, field, step.Observation, "observation");
            foreach (var field in spec.Action)
                WriteField(writer, field, step.Action, "action");
            writer.Write(step.Reward);
        }
        writer.Flush();
        return stream.ToArray();
    }

    public static EpisodeRecord DecodeEpisode(ReadOnlySpan<byte> payload, string task, EmbodimentSpec spec)
    {
        var reader = new SpanReader(payload);
        var seed = reader.UInt64();
        var count = reader.UInt32();
        // Each step holds at least its reward, so a count beyond that is corruption, not a huge allocation.
        if (count > payload.Length / 4)
            throw new FormatException($"{count} steps cannot fit in {payload.Length} bytes");
        var steps = new List<RecordedStep>((int)count);
        for (var i = 0; i < count; i++)
        {
            var observation = new FieldValues();
            foreach (var field in spec.Observation)
                ReadField(ref reader, field, observation);
            var action = new FieldValues();
            foreach (var field in spec.Action)
                ReadField(ref reader, field, action);
            steps.Add(new RecordedStep(observation, action, reader.Single()));
        }
        reader.RequireEnd();
        return new EpisodeRecord(task, seed, steps);
    }

    public static byte[] EncodeCaption(CaptionRecord caption)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(caption.Seed);
        writer.Write(caption.Image);
        WriteText(writer, caption.Caption);
        writer.Flush();
        return stream.ToArray();
    }

    public static CaptionRecord DecodeCaption(ReadOnlySpan<byte> payload, int height, int width)
    {
        var reader = new SpanReader(payload);
        var seed = reader.UInt64();
        var image = reader.Bytes(height * width * 3).ToArray();
        var caption = reader.Text();
        reader.RequireEnd();
        return new CaptionRecord(seed, image, height, width, caption);
    }

    static void WriteField(BinaryWriter writer, FieldSpec field, FieldValues values, string part)
    {
        switch (field.Kind)
        {
            case FieldKind.Text:
                WriteText(writer, values.GetText(field.Key));
                break;
            case FieldKind.Image:
                writer.Write(Sized(values.GetImage(field.Key), field, part));
                break;
            case FieldKind.Continuous:
                foreach (var v in Sized(values.GetContinuous(field.Key), field, part))
                    writer.Write(v);
                break;
            default:
                foreach (var v in Sized(values.GetDiscrete(field.Key), field, part))
                    writer.Write(v);
                break;
        }
    }

    static T[] Sized<T>(T[] values, FieldSpec field, string part) => values.Length == field.ElementCount
        ? values
        : throw new ShapeMismatchException($"{part}.{field.Key}", $"{values.Length} elements", $"{field.ElementCount} elements");

    static void WriteText(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((uint)bytes.Length);
        writer.Write(bytes);
    }

    static void ReadField(ref SpanReader reader, FieldSpec field, FieldValues values)
    {
        switch (field.Kind)
        {
            case FieldKind.Text:
                values.SetText(field.Key, reader.Text());
                break;
            case FieldKind.Image:
                values.SetImage(field.Key, reader.Bytes(field.ElementCount).ToArray());
                break;
            case FieldKind.Continuous:
            {
                var data = new float[field.ElementCount];
                for (var i = 0; i < data.Length; i++)
                    data[i] = reader.Single();
                values.SetContinuous(field.Key, data);
                break;
            }
            default:
            {
                var data = new int[field.ElementCount];
                for (var i = 0; i < data.Length; i++)
                    data[i] = reader.Int32();
                values.SetDiscrete(field.Key, data);
                break;
            }
        }
    }

    /// <summary>Reads a payload front to back; running past its end is a <see cref="FormatException"/>.</summary>
    ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        readonly ReadOnlySpan<byte> data = data;
        int position;

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || count > data.Length - position)
                throw new FormatException($"needs {count} bytes at payload offset {position}, {data.Length - position} remain");
            var span = data.Slice(position, count);
            position += count;
            return span;
        }

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));
        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));
        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4));
        public float Single() => BinaryPrimitives.ReadSingleLittleEndian(Bytes(4));

        public string Text()
        {
            var length = UInt32();
            if (length > int.MaxValue)
                throw new FormatException($"a text of {length} bytes");
            return Encoding.UTF8.GetString(Bytes((int)length));
        }

        public readonly void RequireEnd()
        {
            if (position != data.Length)
                throw new FormatException($"{data.Length - position} bytes left after the record's last field");
        }
    }
}
