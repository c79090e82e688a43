namespace GatoMesh.Torch;

/// <summary>Element types, numbered as libtorch's c10::ScalarType so they cross the ABI unchanged.</summary>
public enum DType : sbyte
{
    UInt8 = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
    BFloat16 = 15,
}

internal static class DTypes
{
    public static int ElementSize(DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The dtype a managed element type maps to (the spans tensors are created from and copied to).</summary>
    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(bool) ? DType.Bool :
        typeof(T) == typeof(byte) ? DType.UInt8 :
        typeof(T) == typeof(int) ? DType.Int32 :
        typeof(T) == typeof(double) ? DType.Float64 :
        throw new NotSupportedException($"no tensor dtype for element type {typeof(T).Name} (use float, long, bool, byte, int or double)");
}
