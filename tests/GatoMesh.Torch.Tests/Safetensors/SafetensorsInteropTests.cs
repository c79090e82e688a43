using System.Text.Json;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Torch.Tests.Safetensors;

/// <summary>Files move both ways between PyTorch (reference_safetensors.py under Debian's python3) and
/// GatoMesh with identical values, dtypes, shapes, order and metadata.</summary>
public sealed class SafetensorsInteropTests : IDisposable
{
    private static readonly TimeSpan PythonDeadline = TimeSpan.FromSeconds(90);
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Safetensors", "reference_safetensors.py");
    private readonly string folder = Directory.CreateTempSubdirectory("gatomesh-safetensors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_file_written_by_PyTorch_loads_with_equal_values()
    {
        var path = Path.Combine(folder, "from-python.safetensors");
        var expected = Parse(await ChildProcess.RunAsync(PythonDeadline, ChildProcess.Python, Script, "write", path));

        using var loaded = SafetensorsFile.Load(path);

        Assert.Equal(expected.Metadata, loaded.Metadata);
        Assert.Equal(expected.Tensors.Select(t => t.Name), loaded.Names);
        foreach (var e in expected.Tensors)
            AssertTensorEquals(e, loaded[e.Name]);
        Assert.Contains(loaded.Tensors, t => t.Value.Dim == 0); // the scalar
        Assert.Contains(loaded.Tensors, t => t.Value.Count == 0); // the empty tensor
    }

    [Fact]
    public async Task A_file_written_here_loads_in_PyTorch_with_equal_values()
    {
        var path = Path.Combine(folder, "from-gatomesh.safetensors");
        using var scope = DisposeScope.Begin();
        var tensors = new List<(string, Tensor)>
        {
            ("w", Tensor.From<float>([1.5f, -2.25f, 3e-8f, 65504f, -0f, 1e30f], [2, 3])),
            ("half", Tensor.From<float>([0.1f, -3.5f, 1000f, 6e-5f], [2, 2]).To(DType.Float16)),
            ("brain", Tensor.From<float>([0.1f, -3.5f, 1e20f], [3]).To(DType.BFloat16)),
            ("f64", Tensor.From<double>([Math.PI, -1e-300], [2])),
            ("ids", Tensor.From<long>([long.MinValue, long.MaxValue, 0, 7], [4, 1])),
            ("i32", Tensor.From<int>([int.MinValue, 5], [2])),
            ("mask", Tensor.From<bool>([true, false, false, true], [2, 2])),
            ("u8", Tensor.From<byte>([0, 1, 254, 255], [1, 4])),
            ("scalar", Tensor.Scalar(-4.5)),
            ("empty", Tensor.Zeros([2, 0, 3], DType.Int64)),
        };
        var metadata = new Dictionary<string, string> { ["step"] = "1200", ["preset"] = "gato-tiny" };

        SafetensorsFile.Save(path, tensors, metadata);
        var read = Parse(await ChildProcess.RunAsync(PythonDeadline, ChildProcess.Python, Script, "read", path));

        Assert.Equal(metadata, read.Metadata);
        Assert.Equal(tensors.Select(t => t.Item1), read.Tensors.Select(t => t.Name));
        foreach (var (name, tensor) in tensors)
            AssertTensorEquals(read.Tensors.Single(t => t.Name == name), tensor);
    }

    private sealed record Described(string Name, string DType, long[] Shape, JsonElement[] Values);

    private sealed record Listing(Dictionary<string, string> Metadata, List<Described> Tensors);

    private static Listing Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var metadata = doc.RootElement.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateArray().Select(t => new Described(
            t.GetProperty("name").GetString()!,
            t.GetProperty("dtype").GetString()!,
            t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
            t.GetProperty("values").EnumerateArray().Select(v => v.Clone()).ToArray())).ToList();
        return new Listing(metadata, tensors);
    }

    private static void AssertTensorEquals(Described expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, DTypeName(actual.DType));
        switch (actual.DType)
        {
            case DType.Bool:
                Assert.Equal(expected.Values.Select(v => v.GetBoolean()), actual.ToArray<bool>());
                break;
            case DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64:
                // Every half, bfloat16 and float value is exactly a double: compare exactly.
                using (var wide = actual.To(DType.Float64))
                    Assert.Equal(expected.Values.Select(v => v.GetDouble()), wide.ToArray<double>());
                break;
            default:
                using (var wide = actual.To(DType.Int64))
                    Assert.Equal(expected.Values.Select(v => v.GetInt64()), wide.ToArray<long>());
                break;
        }
    }

    private static string DTypeName(DType dtype) => dtype switch
    {
        DType.Bool => "BOOL", DType.UInt8 => "U8", DType.Int8 => "I8", DType.Int16 => "I16", DType.Int32 => "I32",
        DType.Int64 => "I64", DType.Float16 => "F16", DType.BFloat16 => "BF16", DType.Float32 => "F32", DType.Float64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}
