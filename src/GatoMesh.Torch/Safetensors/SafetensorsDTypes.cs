namespace GatoMesh.Torch.Safetensors;

/// <summary>The dtype names safetensors writes (the reference implementation's spelling).</summary>
internal static class SafetensorsDTypes
{
    private static readonly (string Name, DType DType)[] Table =
    [
        ("BOOL", DType.Bool), ("U8", DType.UInt8), ("I8", DType.Int8), ("I16", DType.Int16), ("I32", DType.Int32),
        ("I64", DType.Int64), ("F16", DType.Float16), ("BF16", DType.BFloat16), ("F32", DType.Float32), ("F64", DType.Float64),
    ];

    public static bool TryParse(string name, out DType dtype)
    {
        foreach (var (n, d) in Table)
            if (n == name)
            {
                dtype = d;
                return true;
            }
        dtype = default;
        return false;
    }

    public static string? NameOf(DType dtype)
    {
        foreach (var (n, d) in Table)
            if (d == dtype) return n;
        return null;
    }

    public static string Known => string.Join(", ", Table.Select(e => e.Name));
}
