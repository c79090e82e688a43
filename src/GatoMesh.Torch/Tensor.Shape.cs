using GatoMesh.Torch.Native;
using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

// Shape and indexing: views (which share storage with this tensor), joins, gathers and writes.
// Negative dims count from the end, as in PyTorch.
public sealed partial class Tensor
{
    /// <summary>A view with another shape (one dimension may be -1); fails on non-contiguous layouts.</summary>
    public unsafe Tensor View(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return new(gm_view(Handle, p, shape.Length));
    }

    /// <summary>Like <see cref="View"/>, copying when the layout needs it.</summary>
    public unsafe Tensor Reshape(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return new(gm_reshape(Handle, p, shape.Length));
    }

    /// <summary>A broadcast view to <paramref name="shape"/> (-1 keeps a dimension).</summary>
    public unsafe Tensor Expand(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return new(gm_expand(Handle, p, shape.Length));
    }

    public unsafe Tensor Permute(params ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims) return new(gm_permute(Handle, p, dims.Length));
    }

    public Tensor Transpose(long dim0, long dim1) => new(gm_transpose(Handle, dim0, dim1));
    public Tensor Unsqueeze(long dim) => new(gm_unsqueeze(Handle, dim));
    /// <summary>Drops every dimension of size 1.</summary>
    public Tensor Squeeze() => new(gm_squeeze(Handle));
    /// <summary>Drops <paramref name="dim"/> if its size is 1 (otherwise returns the same shape).</summary>
    public Tensor Squeeze(long dim) => new(gm_squeeze_dim(Handle, dim));
    public Tensor Flatten(long startDim = 0, long endDim = -1) => new(gm_flatten(Handle, startDim, endDim));
    /// <summary>The view of indices [start, start + length) along <paramref name="dim"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) => new(gm_narrow(Handle, dim, start, length));

    /// <summary>Joins tensors along an existing dimension.</summary>
    public static Tensor Cat(ReadOnlySpan<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: false);
    /// <summary>Joins equally shaped tensors along a new dimension.</summary>
    public static Tensor Stack(ReadOnlySpan<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: true);

    // The handles are add-ref'ed for the call, so a concurrent Dispose cannot free one mid-call.
    private static unsafe Tensor Join(ReadOnlySpan<Tensor> tensors, long dim, bool stack)
    {
        if (tensors.Length == 0) throw new ArgumentException("needs at least one tensor", nameof(tensors));
        Span<IntPtr> pointers = tensors.Length <= 64 ? stackalloc IntPtr[tensors.Length] : new IntPtr[tensors.Length];
        var referenced = 0;
        try
        {
            for (; referenced < tensors.Length; referenced++)
            {
                var t = tensors[referenced];
                if (t is null) throw new ArgumentNullException(nameof(tensors), $"tensors[{referenced}] is null");
                if (t.handle.IsClosed) throw new ObjectDisposedException(nameof(tensors), $"tensors[{referenced}] was disposed");
                var added = false;
                t.handle.DangerousAddRef(ref added);
                pointers[referenced] = t.handle.DangerousGetHandle();
            }
            fixed (IntPtr* p = pointers)
                return new(stack ? gm_stack(p, tensors.Length, dim) : gm_cat(p, tensors.Length, dim));
        }
        finally
        {
            for (var i = 0; i < referenced; i++) tensors[i].handle.DangerousRelease();
        }
    }

    // ---- indexing ----------------------------------------------------------------------------

    /// <summary>The slices at <paramref name="index"/> (Int64, 1-D) along <paramref name="dim"/>.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => new(gm_index_select(Handle, dim, Arg(index)));

    /// <summary>out[i][j] = this[index[i][j]][j] for dim 0 (torch.gather); <paramref name="index"/> is Int64.</summary>
    public Tensor Gather(long dim, Tensor index) => new(gm_gather(Handle, dim, Arg(index)));

    /// <summary>Writes <paramref name="source"/>'s slices into this tensor at <paramref name="index"/> along
    /// <paramref name="dim"/> (e.g. new rows of a KV cache); returns this.</summary>
    public Tensor IndexCopyInPlace(long dim, Tensor index, Tensor source)
    {
        Check(gm_index_copy_(Handle, dim, Arg(index), Arg(source)));
        return this;
    }

    // ---- creation ----------------------------------------------------------------------------

    /// <summary>[start, end) in steps of <paramref name="step"/>; Int64 by default.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        if (step == 0) throw new ArgumentOutOfRangeException(nameof(step), step, "step must not be zero");
        var d = device ?? Device.Cpu;
        return new(gm_arange(start, end, step, (sbyte)dtype, (sbyte)d.Type, d.Index));
    }

    /// <summary>The causal attention mask: Bool [size, size], true where query i may attend key j (j &lt;= i).
    /// Use <c>scores.MaskedFill(mask.LogicalNot(), double.NegativeInfinity)</c>.</summary>
    public static Tensor CausalMask(long size, Device? device = null)
    {
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), size, "size must not be negative");
        using var ones = Ones([size, size], DType.Bool, device);
        return ones.Tril();
    }
}
