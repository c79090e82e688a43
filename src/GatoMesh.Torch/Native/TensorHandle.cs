using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

/// <summary>
/// Owns one native at::Tensor*. A SafeHandle so that the marshaller keeps the tensor alive for the
/// duration of every native call (no finalizer can free it mid-call) and so that a disposed tensor
/// is refused rather than dereferenced.
/// </summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Passed where an optional tensor argument is absent: the native side sees nullptr.</summary>
    internal static readonly TensorHandle None = new();

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        TorchNative.gm_tensor_free(handle);
        return true;
    }
}
