using System.Buffers.Binary;
using System.Text.Json;
using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch.Safetensors;

/// <summary>
/// Reads and writes the safetensors format (huggingface/safetensors; docs/SAFETENSORS.md): an 8-byte
/// little-endian header length, a JSON header padded with spaces to a multiple of 8 bytes, then every
/// tensor's raw little-endian bytes end to end. Writing streams one tensor at a time from its own
/// storage and replaces the file atomically; reading validates the whole header first, then reads each
/// tensor's bytes from the file straight into a new tensor.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Writes <paramref name="tensors"/> in name order (ordinal), so equal dictionaries give
    /// equal files.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Save(path, tensors.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value)).ToList(), metadata);
    }

    /// <summary>Writes <paramref name="tensors"/> in the given order.</summary>
    public static void Save(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        RequireLittleEndian();
        var entries = Describe(path, tensors);
        var header = HeaderBytes(entries, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            for (var i = 0; i < tensors.Count; i++) WriteBytes(stream, tensors[i].Tensor, entries[i].ByteLength);
        });
    }

    /// <summary>Reads and validates only the header: names, dtypes, shapes, offsets and metadata.</summary>
    public static SafetensorsHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = OpenRead(path);
        return SafetensorsHeader.Read(file, path);
    }

    /// <summary>Loads every tensor (on <paramref name="device"/>, CPU by default) and the metadata.</summary>
    public static SafetensorsContent Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireLittleEndian();
        using var file = OpenRead(path);
        var header = SafetensorsHeader.Read(file, path);
        var loaded = new List<KeyValuePair<string, Tensor>>(header.Entries.Count);
        try
        {
            foreach (var entry in header.Entries)
                loaded.Add(new(entry.Name, ReadTensor(file, header.DataStart, entry, device ?? Device.Cpu, path)));
        }
        catch
        {
            foreach (var t in loaded) t.Value.Dispose();
            throw;
        }
        return new SafetensorsContent(loaded, header.Metadata);
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);

    // The format is little-endian and tensors are copied byte for byte.
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors I/O copies raw little-endian bytes; this host is big-endian");
    }

    private static List<SafetensorsEntry> Describe(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<SafetensorsEntry>(tensors.Count);
        long offset = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            var (name, tensor) = tensors[i];
            if (string.IsNullOrEmpty(name)) throw new ArgumentException($"tensor {i} has no name", nameof(tensors));
            if (name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved for metadata and cannot name a tensor", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"tensor name '{name}' appears twice", nameof(tensors));
            if (tensor is null) throw new ArgumentNullException(nameof(tensors), $"tensor '{name}' is null");
            var dtype = tensor.DType;
            if (SafetensorsDTypes.NameOf(dtype) is null)
                throw new SafetensorsFormatException(path, name, $"dtype {dtype} has no safetensors name");
            var bytes = tensor.Count * DTypes.ElementSize(dtype);
            entries.Add(new SafetensorsEntry(name, dtype, tensor.Shape, offset, offset + bytes));
            offset += bytes;
        }
        return entries;
    }

    /// <summary>The JSON header, metadata first (as the reference writer puts it), padded with spaces so
    /// the data section starts 8-byte aligned.</summary>
    private static byte[] HeaderBytes(List<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(value, $"{nameof(metadata)}[{key}]");
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", SafetensorsDTypes.NameOf(e.DType));
                json.WriteStartArray("shape");
                foreach (var d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(e.Begin);
                json.WriteNumberValue(e.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    /// <summary>Writes a tensor's bytes from its own (CPU, contiguous) storage, in chunks a span can hold.</summary>
    private static unsafe void WriteBytes(FileStream stream, Tensor tensor, long expected)
    {
        if (expected == 0) return;
        using var cpu = tensor.To(Device.Cpu);
        using var contiguous = cpu.Contiguous();
        var handle = contiguous.Handle;
        var data = (byte*)gm_tensor_data_ptr(handle);
        if (data == null) throw LastError();
        var bytes = gm_tensor_nbytes(handle);
        if (bytes != expected)
            throw new InvalidOperationException($"a tensor changed size while it was being written ({bytes} bytes, expected {expected})");
        for (long done = 0; done < bytes;)
        {
            var chunk = (int)Math.Min(bytes - done, 1 << 30);
            stream.Write(new ReadOnlySpan<byte>(data + done, chunk));
            done += chunk;
        }
        GC.KeepAlive(contiguous);
    }

    /// <summary>Reads one tensor's bytes from the file into a new CPU tensor's storage (one copy), then
    /// moves it to <paramref name="device"/>.</summary>
    private static unsafe Tensor ReadTensor(FileStream file, long dataStart, SafetensorsEntry entry, Device device, string path)
    {
        var tensor = Tensor.Empty(entry.Shape, entry.DType);
        try
        {
            if (entry.ByteLength > 0)
            {
                var data = (byte*)gm_tensor_data_ptr(tensor.Handle);
                if (data == null) throw LastError();
                for (long done = 0; done < entry.ByteLength;)
                {
                    var chunk = (int)Math.Min(entry.ByteLength - done, 1 << 30);
                    var read = RandomAccess.Read(file.SafeFileHandle, new Span<byte>(data + done, chunk), dataStart + entry.Begin + done);
                    if (read == 0) throw new SafetensorsFormatException(path, entry.Name, "file ended inside the tensor's bytes");
                    // A bool byte other than 0 or 1 is not a bool torch can hold safely.
                    if (entry.DType == DType.Bool && new ReadOnlySpan<byte>(data + done, read).IndexOfAnyExcept((byte)0, (byte)1) is var bad and >= 0)
                        throw new SafetensorsFormatException(path, entry.Name, $"BOOL element {done + bad} is {data[done + bad]}, not 0 or 1");
                    done += read;
                }
            }
            if (device.Type == DeviceType.Cpu) return tensor;
            using (tensor) return tensor.To(device);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }
}
