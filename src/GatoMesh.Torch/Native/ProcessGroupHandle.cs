using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

/// <summary>Owns one native process group (its TCPStore and ProcessGroupGloo). A SafeHandle so that a
/// collective in flight on one thread keeps the group alive while another thread disposes it.</summary>
internal sealed class ProcessGroupHandle : SafeHandle
{
    public ProcessGroupHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        TorchNative.gm_process_group_free(handle);
        return true;
    }
}
