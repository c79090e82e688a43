using System.Text;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Torch.Tests.Safetensors;

/// <summary>Reading refuses every malformed file with a SafetensorsFormatException naming the tensor and
/// field at fault, and never creates a tensor from bytes the header does not vouch for.</summary>
public sealed class SafetensorsValidationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gatomesh-safetensors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_round_trip_keeps_order_values_and_metadata_with_an_aligned_data_section()
    {
        var path = Path.Combine(folder, "round.safetensors");
        using var a = Tensor.From<float>([1f, 2f, 3f]);
        using var b = Tensor.From<long>([4, 5], [2, 1]);
        SafetensorsFile.Save(path, [("z", a), ("a", b)], new Dictionary<string, string> { ["k"] = "v" });

        var header = SafetensorsFile.ReadHeader(path);
        Assert.Equal(0, header.DataStart % 8);
        Assert.Equal(["z", "a"], header.Entries.Select(e => e.Name));
        Assert.Equal("v", header.Metadata["k"]);
        using var loaded = SafetensorsFile.Load(path);
        Assert.Equal([1f, 2f, 3f], loaded["z"].ToArray<float>());
        Assert.Equal([4L, 5L], loaded["a"].ToArray<long>());
        Assert.Equal([2L, 1L], loaded["a"].Shape);
    }

    [Fact]
    public void A_dictionary_is_written_in_name_order()
    {
        var path = Path.Combine(folder, "dict.safetensors");
        using var x = Tensor.Zeros([1]);
        using var y = Tensor.Ones([2]);
        SafetensorsFile.Save(path, new Dictionary<string, Tensor> { ["b"] = y, ["a"] = x });
        Assert.Equal(["a", "b"], SafetensorsFile.ReadHeader(path).Entries.Select(e => e.Name));
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        var path = WriteValid("t.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Equal("second", e.Tensor);
        Assert.Contains("runs past the data section", e.Message);

        File.WriteAllBytes(path, bytes[..5]);
        Assert.Contains("8-byte header length", Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path)).Message);
        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("runs past the end of the file", Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path)).Message);
    }

    [Fact]
    public void Trailing_bytes_after_the_last_tensor_are_refused()
    {
        var path = WriteValid("t.safetensors");
        File.AppendAllText(path, "junk");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Contains("trailing", e.Message);
    }

    [Fact]
    public void Overlapping_tensors_are_refused_naming_both()
    {
        var path = Craft("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Equal("b", e.Tensor);
        Assert.Contains("overlap tensor 'a'", e.Message);
    }

    [Fact]
    public void A_hole_in_the_data_section_is_refused()
    {
        var path = Craft("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}""", 6);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Equal("b", e.Tensor);
        Assert.Contains("unused", e.Message);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", "a", "dtype 'F8_E4M3'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "a", "needs 12")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "a", "shape[0] = -2")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", "a", "ends before it begins")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", "a", "not 2")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]}}""", "a", "missing field 'data_offsets'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}""", "a", "'extra'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "a", "twice")]
    [InlineData("""{"a":[1,2]}""", "a", "not an object")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}""", "a", "too large")]
    public void A_malformed_entry_is_refused_by_tensor_and_field(string header, string tensor, string message)
    {
        var path = Craft(header, 8);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Equal(tensor, e.Tensor);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("""{"a":""", "not valid JSON")]
    [InlineData("""  {}""", "does not start with '{'")]
    [InlineData("""{"__metadata__":{"k":1}}""", "__metadata__.k")]
    [InlineData("""{"__metadata__":"v"}""", "not an object of strings")]
    public void A_malformed_header_is_refused(string header, string message)
    {
        var path = Craft(header, 0);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Null(e.Tensor);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_header_length_beyond_the_limit_is_refused_before_reading_it()
    {
        var path = Path.Combine(folder, "huge.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(200_000_000UL), .. "{}      "u8.ToArray()]);
        Assert.Contains("exceeds", Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path)).Message);
    }

    [Fact]
    public void A_bool_byte_other_than_zero_or_one_is_refused()
    {
        var path = Craft("""{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}""", 3, [1, 0, 7]);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Load(path));
        Assert.Equal("m", e.Tensor);
        Assert.Contains("element 2 is 7", e.Message);
    }

    [Fact]
    public void Writing_refuses_duplicate_reserved_and_null_entries_and_leaves_no_file()
    {
        var path = Path.Combine(folder, "bad.safetensors");
        using var t = Tensor.Zeros([1]);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => SafetensorsFile.Save(path, [("x", t), ("x", t)])).Message);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => SafetensorsFile.Save(path, [("__metadata__", t)])).Message);
        Assert.Throws<ArgumentNullException>(() => SafetensorsFile.Save(path, [("x", null!)]));
        var disposed = Tensor.Zeros([1]);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => SafetensorsFile.Save(path, [("x", disposed)]));
        Assert.Empty(Directory.GetFiles(folder));
    }

    private string WriteValid(string name)
    {
        var path = Path.Combine(folder, name);
        using var first = Tensor.From<float>([1f, 2f]);
        using var second = Tensor.From<float>([3f, 4f, 5f]);
        SafetensorsFile.Save(path, [("first", first), ("second", second)]);
        return path;
    }

    /// <summary>A file with the given header (unpadded) and a data section of <paramref name="dataBytes"/> bytes.</summary>
    private string Craft(string header, int dataBytes, byte[]? data = null)
    {
        var path = Path.Combine(folder, $"crafted-{Guid.NewGuid():N}.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data ?? new byte[dataBytes]]);
        return path;
    }
}
