using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

// Autograd on a tensor: requires_grad, grad, backward, detach.
public sealed partial class Tensor
{
    public bool RequiresGrad
    {
        get => gm_tensor_requires_grad(Handle) != 0;
        set => Check(gm_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Marks this (leaf) tensor as requiring gradients; returns it.</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    /// <summary>The accumulated gradient (a new handle to it each call), or null before any backward.</summary>
    public Tensor? Grad
    {
        get
        {
            var grad = gm_tensor_grad(Handle);
            if (!grad.IsInvalid) return new Tensor(grad);
            grad.SetHandleAsInvalid();
            return null;
        }
        set => Check(gm_tensor_set_grad(Handle, value?.Handle ?? Native.TensorHandle.None));
    }

    /// <summary>Zeroes the accumulated gradient in place (no-op when there is none).</summary>
    public void ZeroGrad() => Check(gm_tensor_zero_grad(Handle));

    /// <summary>Back-propagates from this scalar (or with <paramref name="gradOutput"/> for a non-scalar).</summary>
    public void Backward(Tensor? gradOutput = null, bool retainGraph = false) =>
        Check(gm_tensor_backward(Handle, gradOutput?.Handle ?? Native.TensorHandle.None, retainGraph ? 1 : 0));

    /// <summary>A tensor sharing this one's storage, cut from the autograd graph.</summary>
    public Tensor Detach() => new(gm_tensor_detach(Handle));
}

/// <summary>
/// Turns gradient recording off until disposed: <c>using (new NoGradScope()) { ... }</c>.
/// libtorch's grad mode is per thread, so this scope is for synchronous code (the inference engine's
/// own threads); disposing it on another thread than the one that began it throws rather than
/// leaving two threads in the wrong mode.
/// </summary>
public readonly struct NoGradScope : IDisposable
{
    private readonly bool previous;
    private readonly int thread;

    public NoGradScope()
    {
        previous = gm_grad_enabled() != 0;
        thread = Environment.CurrentManagedThreadId;
        gm_set_grad_enabled(0);
    }

    public void Dispose()
    {
        if (Environment.CurrentManagedThreadId != thread)
            throw new InvalidOperationException("NoGradScope ended on another thread than it began (grad mode is per thread; do not await inside it)");
        gm_set_grad_enabled(previous ? 1 : 0);
    }
}

/// <summary>
/// libtorch's autocast (mixed precision) on one device until disposed: <c>using (new AutocastScope()) { ... }</c>.
/// Inside it, matrix products (linear, matmul, convolution) compute in bfloat16 on bfloat16 copies of
/// their inputs (an input already in bfloat16, such as a serving copy's weight, is used as it is), with
/// fp32 accumulation, and range-sensitive ops (cross-entropy among them) in fp32; autograd records the
/// casts, so the weights and their gradients stay fp32. On this machine's AVX-512 BF16 cores a bfloat16
/// matrix product runs about 2.8 times as fast as an fp32 one (src/GatoMesh.Torch/README.md).
/// Ops outside libtorch's lists keep their inputs' dtype: GroupNorm, for one, fails on a bfloat16 input
/// with fp32 weights, so callers leave such layers outside the scope.
/// Autocast is per thread and per device type, like grad mode: disposing the scope on another thread
/// throws. The outermost scope's end drops libtorch's cache of cast weights, so no stale copy outlives an
/// optimizer step.
/// </summary>
public readonly struct AutocastScope : IDisposable
{
    private readonly int previousEnabled;
    private readonly sbyte previousDType;
    private readonly DeviceType device;
    private readonly int thread;

    /// <summary>Enters CPU autocast computing in bfloat16.</summary>
    public AutocastScope() : this(DType.BFloat16) { }

    /// <summary>Enters autocast on <paramref name="device"/> (CPU or CUDA) computing in <paramref name="dtype"/>
    /// (bfloat16: the only type CPU autocast takes in libtorch 1.13, and the one GatoMesh uses on CUDA too).</summary>
    public AutocastScope(DType dtype, DeviceType device = DeviceType.Cpu)
    {
        if (dtype != DType.BFloat16)
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "autocast computes in BFloat16 only");
        this.device = device;
        thread = Environment.CurrentManagedThreadId;
        Check(gm_autocast_enter((sbyte)device, (sbyte)dtype, out previousEnabled, out previousDType));
    }

    /// <summary>Whether the calling thread is inside CPU autocast.</summary>
    public static bool Enabled => IsEnabled(DeviceType.Cpu);

    /// <summary>Whether the calling thread is inside autocast on <paramref name="device"/>.</summary>
    public static bool IsEnabled(DeviceType device) => gm_autocast_enabled((sbyte)device) != 0;

    public void Dispose()
    {
        if (Environment.CurrentManagedThreadId != thread)
            throw new InvalidOperationException("AutocastScope ended on another thread than it began (autocast is per thread; do not await inside it)");
        Check(gm_autocast_exit((sbyte)device, previousEnabled, previousDType));
    }
}
