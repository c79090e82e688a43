using System.Runtime.InteropServices;
using GatoMesh.Torch.Native;
using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

/// <summary>
/// A libtorch tensor. Owns its native handle: <see cref="Dispose"/> frees it at once, the handle's
/// finalizer frees it if nobody did, and an active <see cref="DisposeScope"/> disposes it at the end
/// of the scope. Operations live in the other Tensor.*.cs files.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;
    internal DisposeScope? Scope;

    internal Tensor(TensorHandle handle)
    {
        this.handle = Check(handle);
        DisposeScope.Current?.Add(this);
    }

    /// <summary>The native handle, or ObjectDisposedException if this tensor was disposed.</summary>
    internal TensorHandle Handle => !handle.IsClosed
        ? handle
        : throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed; it can no longer be used");

    public bool IsDisposed => handle.IsClosed;

    public void Dispose()
    {
        Scope?.Remove(this);
        handle.Dispose();
    }

    // ---- creation ----------------------------------------------------------------------------

    /// <summary>A tensor holding a copy of <paramref name="data"/> (row-major) with the given shape.
    /// Element types: float, long, bool, byte, int, double.</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, Device? device = null) where T : unmanaged
    {
        var dtype = DTypes.Of<T>();
        var count = Shapes.Count(shape, nameof(shape));
        if (count != data.Length)
            throw new ArgumentException($"data has {data.Length} elements but shape [{string.Join(", ", shape.ToArray())}] needs {count}", nameof(data));
        var d = device ?? Device.Cpu;
        fixed (T* p = data)
        fixed (long* s = shape)
            return new Tensor(gm_tensor_from_data(p, s, shape.Length, (sbyte)dtype, (sbyte)d.Type, d.Index));
    }

    /// <summary>A 1-D tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From<T>(ReadOnlySpan<T> data, Device? device = null) where T : unmanaged =>
        From(data, [data.Length], device);

    public static unsafe Tensor Empty(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null)
    {
        Shapes.Count(shape, nameof(shape));
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return new Tensor(gm_tensor_empty(s, shape.Length, (sbyte)dtype, (sbyte)d.Type, d.Index));
    }

    public static unsafe Tensor Full(ReadOnlySpan<long> shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        Shapes.Count(shape, nameof(shape));
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return new Tensor(gm_tensor_full(s, shape.Length, value, (sbyte)dtype, (sbyte)d.Type, d.Index));
    }

    public static Tensor Zeros(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 0, dtype, device);
    public static Tensor Ones(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 1, dtype, device);

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) => Full([], value, dtype, device);

    // ---- copying out -------------------------------------------------------------------------

    /// <summary>Copies every element, row-major, into <paramref name="destination"/>. The element type
    /// must match the dtype exactly (no silent conversion).</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var dtype = DTypes.Of<T>();
        if (dtype != DType)
            throw new InvalidOperationException($"tensor has dtype {DType}; cannot copy it into a {typeof(T).Name} buffer (convert with To(DType.{dtype}) first)");
        var count = Count;
        if (destination.Length < count)
            throw new ArgumentException($"destination holds {destination.Length} elements but the tensor has {count}", nameof(destination));
        fixed (T* p = destination)
            Check(gm_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T)));
    }

    /// <summary>Copies every element, row-major, converted to <typeparamref name="T"/>'s dtype, into
    /// <paramref name="destination"/> (one call for a bfloat16 or device tensor's values as host floats).</summary>
    public unsafe void CopyAs<T>(Span<T> destination) where T : unmanaged
    {
        var dtype = DTypes.Of<T>();
        var count = Count;
        if (destination.Length < count)
            throw new ArgumentException($"destination holds {destination.Length} elements but the tensor has {count}", nameof(destination));
        fixed (T* p = destination)
            Check(gm_tensor_copy_to_as(Handle, (sbyte)dtype, p, (long)destination.Length * sizeof(T)));
    }

    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[Count];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public unsafe double Item()
    {
        double value;
        Check(gm_tensor_item(Handle, &value));
        return value;
    }

    // ---- metadata ----------------------------------------------------------------------------

    public unsafe long[] Shape
    {
        get
        {
            var h = Handle;
            var dims = new long[gm_tensor_ndim(h)];
            fixed (long* p = dims)
                Check(gm_tensor_sizes(h, p, dims.Length));
            return dims;
        }
    }

    public int Dim => gm_tensor_ndim(Handle);
    public long Count => gm_tensor_numel(Handle);
    public DType DType => (DType)gm_tensor_dtype(Handle);
    public Device Device => new((DeviceType)gm_tensor_device_type(Handle), gm_tensor_device_index(Handle));

    public long Size(int dim)
    {
        var shape = Shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor has {shape.Length} dimensions");
        return shape[d];
    }

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", Shape)}], {DType}, {Device})";

    // ---- conversion --------------------------------------------------------------------------

    public Tensor To(DType dtype) => new(gm_tensor_to(Handle, (sbyte)dtype, (sbyte)Device.Type, Device.Index));
    public Tensor To(Device device) => new(gm_tensor_to(Handle, (sbyte)DType, (sbyte)device.Type, device.Index));
    public Tensor To(DType dtype, Device device) => new(gm_tensor_to(Handle, (sbyte)dtype, (sbyte)device.Type, device.Index));
    public Tensor Clone() => new(gm_tensor_clone(Handle));

    /// <summary>PyTorch's <c>t.data = source</c>: this tensor takes <paramref name="source"/>'s storage, dtype
    /// and device and keeps its identity, so a module's parameter converts in place (nn.Module.to).</summary>
    public void SetData(Tensor source) => Check(gm_tensor_set_data(Handle, source.Handle));
    public Tensor Contiguous() => new(gm_tensor_contiguous(Handle));

    // ---- scopes ------------------------------------------------------------------------------

    /// <summary>Takes this tensor out of the dispose scope it was created in; the caller owns it now.</summary>
    public Tensor DetachFromScope()
    {
        Scope?.Remove(this);
        return this;
    }

    /// <summary>Moves this tensor to the scope enclosing its current one (or out of scopes entirely),
    /// e.g. to return a result from a method that disposes its intermediates.</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = Scope?.Parent;
        Scope?.Remove(this);
        outer?.Add(this);
        return this;
    }
}
