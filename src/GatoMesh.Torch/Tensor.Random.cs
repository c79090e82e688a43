using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

// Random tensors, in-place initializers and sampling. Every draw takes an optional Generator;
// without one it uses libtorch's default generator (seeded by Torch.ManualSeed).
public sealed partial class Tensor
{
    /// <summary>Uniform samples in [0, 1).</summary>
    public static unsafe Tensor Rand(ReadOnlySpan<long> shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null)
    {
        Shapes.Count(shape, nameof(shape));
        var d = device ?? Device.Cpu;
        fixed (long* p = shape) return new(gm_rand(p, shape.Length, OptionalArg(generator), (sbyte)dtype, (sbyte)d.Type, d.Index));
    }

    /// <summary>Standard normal samples.</summary>
    public static unsafe Tensor Randn(ReadOnlySpan<long> shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null)
    {
        Shapes.Count(shape, nameof(shape));
        var d = device ?? Device.Cpu;
        fixed (long* p = shape) return new(gm_randn(p, shape.Length, OptionalArg(generator), (sbyte)dtype, (sbyte)d.Type, d.Index));
    }

    /// <summary>Uniform integers in [low, high) (e.g. Gato's patch-position buckets sampled in training).</summary>
    public static unsafe Tensor RandInt(long low, long high, ReadOnlySpan<long> shape, Generator? generator = null, DType dtype = DType.Int64, Device? device = null)
    {
        if (high <= low) throw new ArgumentOutOfRangeException(nameof(high), high, $"high must exceed low ({low})");
        Shapes.Count(shape, nameof(shape));
        var d = device ?? Device.Cpu;
        fixed (long* p = shape) return new(gm_randint(low, high, p, shape.Length, OptionalArg(generator), (sbyte)dtype, (sbyte)d.Type, d.Index));
    }

    /// <summary>Fills this tensor with uniform samples in [from, to), outside autograd; returns this.</summary>
    public Tensor UniformInPlace(double from, double to, Generator? generator = null)
    {
        Check(gm_uniform_(Handle, from, to, OptionalArg(generator)));
        return this;
    }

    /// <summary>Fills this tensor with normal samples, outside autograd; returns this.</summary>
    public Tensor NormalInPlace(double mean = 0, double std = 1, Generator? generator = null)
    {
        Check(gm_normal_(Handle, mean, std, OptionalArg(generator)));
        return this;
    }

    /// <summary>The <paramref name="k"/> largest (or smallest) entries along <paramref name="dim"/> and their indices.</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        Check(gm_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var values, out var indices));
        return (new Tensor(values), new Tensor(indices));
    }

    /// <summary>Draws <paramref name="samples"/> indices from each row of these (unnormalized, non-negative)
    /// probabilities: Int64 [rows, samples].</summary>
    public Tensor Multinomial(long samples, bool replacement = false, Generator? generator = null) =>
        new(gm_multinomial(Handle, samples, replacement ? 1 : 0, OptionalArg(generator)));
}
