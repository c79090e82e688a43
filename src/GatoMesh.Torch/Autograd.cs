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
