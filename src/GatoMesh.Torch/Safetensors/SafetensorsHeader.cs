using System.Buffers.Binary;
using System.Text.Json;

namespace GatoMesh.Torch.Safetensors;

/// <summary>
/// The parsed, validated header of a safetensors file: the tensors in header order and the free-form
/// string metadata. Validation follows the reference implementation (huggingface/safetensors) and is
/// at least as strict: unknown fields, duplicate names, bad dtypes, sizes that disagree with the shape,
/// and data sections with overlaps, holes or bytes past the end are all refused by name.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>The reference implementation's limit; a larger header is not a safetensors file.</summary>
    internal const long MaxHeaderBytes = 100_000_000;
    internal const string MetadataKey = "__metadata__";

    internal SafetensorsHeader(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>The tensors, in the order the header lists them.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The "__metadata__" map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The file offset of the data section (8 + the header's length).</summary>
    public long DataStart { get; }

    /// <summary>Reads and validates the header of the file open in <paramref name="file"/>.</summary>
    internal static SafetensorsHeader Read(FileStream file, string path)
    {
        var length = file.Length;
        if (length < 8)
            throw new SafetensorsFormatException(path, null, $"file is {length} bytes; a safetensors file starts with an 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        file.Position = 0;
        file.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw new SafetensorsFormatException(path, null, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if ((long)headerLength > length - 8)
            throw new SafetensorsFormatException(path, null, $"header length {headerLength} runs past the end of the file ({length} bytes)");
        if (headerLength < 2)
            throw new SafetensorsFormatException(path, null, $"header length {headerLength} cannot hold a JSON object");
        var json = new byte[headerLength];
        file.ReadExactly(json);
        if (json[0] != (byte)'{')
            throw new SafetensorsFormatException(path, null, "header does not start with '{'");
        var dataStart = 8 + (long)headerLength;
        return Parse(json, length - dataStart, dataStart, path);
    }

    internal static SafetensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength, long dataStart, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, null, $"header is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, null, $"header is a JSON {root.ValueKind}, not an object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new SafetensorsFormatException(path, property.Name, "appears twice in the header");
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, metadata, path);
                else
                    entries.Add(ReadEntry(property.Name, property.Value, dataLength, path));
            }
            CheckLayout(entries, dataLength, path);
            return new SafetensorsHeader(entries, metadata, dataStart);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, null, $"{MetadataKey} is a JSON {value.ValueKind}, not an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(path, null, $"{MetadataKey}.{item.Name} is a JSON {item.Value.ValueKind}, not a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafetensorsFormatException(path, null, $"{MetadataKey}.{item.Name} appears twice");
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, long dataLength, string path)
    {
        if (name.Length == 0) throw new SafetensorsFormatException(path, name, "tensor names must not be empty");
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, name, $"entry is a JSON {value.ValueKind}, not an object");
        string? dtypeName = null;
        long[]? shape = null, offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeName is null:
                    dtypeName = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()
                        : throw new SafetensorsFormatException(path, name, $"dtype is a JSON {field.Value.ValueKind}, not a string");
                    break;
                case "shape" when shape is null:
                    shape = ReadCounts(name, "shape", field.Value, path);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadCounts(name, "data_offsets", field.Value, path);
                    break;
                default:
                    throw new SafetensorsFormatException(path, name, $"unexpected or repeated field '{field.Name}' (expected dtype, shape, data_offsets)");
            }
        }
        if (dtypeName is null) throw new SafetensorsFormatException(path, name, "missing field 'dtype'");
        if (shape is null) throw new SafetensorsFormatException(path, name, "missing field 'shape'");
        if (offsets is null) throw new SafetensorsFormatException(path, name, "missing field 'data_offsets'");
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
            throw new SafetensorsFormatException(path, name, $"dtype '{dtypeName}' is not one of {SafetensorsDTypes.Known}");
        if (offsets.Length != 2)
            throw new SafetensorsFormatException(path, name, $"data_offsets has {offsets.Length} numbers, not 2 [begin, end]");
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw new SafetensorsFormatException(path, name, $"data_offsets [{begin}, {end}] ends before it begins");
        if (end > dataLength)
            throw new SafetensorsFormatException(path, name, $"data_offsets [{begin}, {end}] runs past the data section's {dataLength} bytes");
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (n, d) => n * d) * DTypes.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(path, name, $"shape [{string.Join(", ", shape)}] is too large");
        }
        if (end - begin != bytes)
            throw new SafetensorsFormatException(path, name,
                $"data_offsets [{begin}, {end}] hold {end - begin} bytes but a {dtypeName} tensor of shape [{string.Join(", ", shape)}] needs {bytes}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadCounts(string name, string field, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException(path, name, $"{field} is a JSON {value.ValueKind}, not an array");
        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var n) || n < 0)
                throw new SafetensorsFormatException(path, name, $"{field}[{i}] = {item.GetRawText()} is not a non-negative integer");
            result[i++] = n;
        }
        return result;
    }

    /// <summary>The data section must be exactly the tensors' bytes laid end to end: sorted by offset,
    /// each begins where the previous ended, and the last ends at the end of the file.</summary>
    private static void CheckLayout(List<SafetensorsEntry> entries, long dataLength, string path)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long cursor = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin < cursor)
                throw new SafetensorsFormatException(path, e.Name,
                    $"data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]");
            if (e.Begin > cursor)
                throw new SafetensorsFormatException(path, e.Name,
                    $"data_offsets [{e.Begin}, {e.End}] leave bytes [{cursor}, {e.Begin}) of the data section unused");
            cursor = e.End;
            previous = e;
        }
        if (cursor != dataLength)
            throw new SafetensorsFormatException(path, null,
                $"the tensors cover {cursor} bytes but the data section has {dataLength} (trailing bytes)");
    }
}
