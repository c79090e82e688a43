using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

/// <summary>Owns one native at::Generator* (see <see cref="TensorHandle"/> for why a SafeHandle).</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    public GeneratorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Passed where no generator is given: the native side uses libtorch's default generator.</summary>
    internal static readonly GeneratorHandle None = new();

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        TorchNative.gm_generator_free(handle);
        return true;
    }
}
