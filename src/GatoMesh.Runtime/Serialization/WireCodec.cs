using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GatoMesh.Runtime.Serialization;

/// <summary>
/// How values of type <typeparamref name="T"/> cross the wire as grain-call arguments and results.
/// Primitives, strings, byte arrays, Guid and times have fixed binary encodings; every other type goes
/// through System.Text.Json (as length-prefixed UTF-8), which tolerates added and removed members, so
/// grain interfaces can evolve. The choice is made once per type, in the static constructor: the call
/// path runs a cached delegate, no reflection. Register a source-generated <see cref="JsonTypeInfo{T}"/>
/// with <see cref="UseJson"/> to skip reflection-based JSON metadata too.
/// </summary>
public static class WireCodec<T>
{
    private static Action<WireWriter, T> s_write;
    private static Func<WireReader, T> s_read;

    static WireCodec()
    {
        if (WireCodecs.TryGetBinary(out Action<WireWriter, T>? write, out Func<WireReader, T>? read))
        {
            s_write = write;
            s_read = read;
        }
        else
        {
            var info = (JsonTypeInfo<T>)WireCodecs.JsonOptions.GetTypeInfo(typeof(T));
            (s_write, s_read) = Json(info);
        }
    }

    public static void Write(WireWriter writer, T value) => s_write(writer, value);
    public static T Read(WireReader reader) => s_read(reader);

    /// <summary>Encodes this type with a given (e.g. source-generated) JSON contract.</summary>
    public static void UseJson(JsonTypeInfo<T> info) => (s_write, s_read) = Json(info);

    private static (Action<WireWriter, T>, Func<WireReader, T>) Json(JsonTypeInfo<T> info) => (
        (w, v) => w.WriteBytes(JsonSerializer.SerializeToUtf8Bytes(v, info)),
        r =>
        {
            try
            {
                return JsonSerializer.Deserialize(r.ReadLengthPrefixedSpan(), info)!;
            }
            catch (JsonException e)
            {
                throw new WireFormatException($"argument of type {typeof(T).Name} is not valid JSON: {e.Message}");
            }
        });
}

/// <summary>The fixed binary encodings behind <see cref="WireCodec{T}"/>.</summary>
internal static class WireCodecs
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        IncludeFields = true,
    };

    internal static bool TryGetBinary<T>(
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Action<WireWriter, T>? write,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Func<WireReader, T>? read)
    {
        object? pair = typeof(T) switch
        {
            var t when t == typeof(bool) => Pair<bool>((w, v) => w.WriteBoolean(v), r => r.ReadBoolean()),
            var t when t == typeof(byte) => Pair<byte>((w, v) => w.WriteByte(v), r => r.ReadByte()),
            var t when t == typeof(short) => Pair<short>((w, v) => w.WriteInt16(v), r => r.ReadInt16()),
            var t when t == typeof(int) => Pair<int>((w, v) => w.WriteInt32(v), r => r.ReadInt32()),
            var t when t == typeof(uint) => Pair<uint>((w, v) => w.WriteUInt32(v), r => r.ReadUInt32()),
            var t when t == typeof(long) => Pair<long>((w, v) => w.WriteInt64(v), r => r.ReadInt64()),
            var t when t == typeof(ulong) => Pair<ulong>((w, v) => w.WriteUInt64(v), r => r.ReadUInt64()),
            var t when t == typeof(float) => Pair<float>((w, v) => w.WriteSingle(v), r => r.ReadSingle()),
            var t when t == typeof(double) => Pair<double>((w, v) => w.WriteDouble(v), r => r.ReadDouble()),
            var t when t == typeof(string) => Pair<string?>((w, v) => w.WriteString(v), r => r.ReadString()),
            var t when t == typeof(byte[]) => Pair<byte[]?>((w, v) => w.WriteNullableBytes(v), r => r.ReadNullableBytes()),
            var t when t == typeof(Guid) => Pair<Guid>((w, v) => w.WriteGuid(v), r => r.ReadGuid()),
            var t when t == typeof(TimeSpan) => Pair<TimeSpan>((w, v) => w.WriteInt64(v.Ticks), r => new TimeSpan(r.ReadInt64())),
            var t when t == typeof(DateTimeOffset) => Pair<DateTimeOffset>(
                (w, v) => { w.WriteInt64(v.UtcTicks); w.WriteInt16((short)v.Offset.TotalMinutes); },
                r => ReadDateTimeOffset(r)),
            var t when t == typeof(Invocation.VoidResult) => Pair<Invocation.VoidResult>((_, _) => { }, _ => default),
            _ => null,
        };
        if (pair is (Action<WireWriter, T> w, Func<WireReader, T> r))
        {
            write = w;
            read = r;
            return true;
        }
        write = null;
        read = null;
        return false;
    }

    private static DateTimeOffset ReadDateTimeOffset(WireReader r)
    {
        long ticks = r.ReadInt64();
        short minutes = r.ReadInt16();
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || Math.Abs(minutes) > 14 * 60)
            throw new WireFormatException($"DateTimeOffset out of range: ticks {ticks}, offset {minutes} min");
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes));
    }

    private static (Action<WireWriter, TV>, Func<WireReader, TV>) Pair<TV>(Action<WireWriter, TV> w, Func<WireReader, TV> r) => (w, r);
}
