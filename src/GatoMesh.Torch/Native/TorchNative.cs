using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

/// <summary>
/// The C ABI of native/torch (one partial file per native source file). Every entry point that can
/// fail returns null or -1 and leaves libtorch's message in gm_last_error; <see cref="Check(TensorHandle)"/>
/// turns that into a <see cref="TorchException"/>.
/// </summary>
internal static partial class TorchNative
{
    internal const string Library = "gatomesh_torch";

    [LibraryImport(Library)]
    internal static partial IntPtr gm_last_error();

    internal static TorchException LastError() =>
        new(Marshal.PtrToStringUTF8(gm_last_error()) is { Length: > 0 } message ? message : "libtorch reported an unknown error");

    internal static TensorHandle Check(TensorHandle handle)
    {
        if (!handle.IsInvalid) return handle;
        handle.SetHandleAsInvalid();
        throw LastError();
    }

    internal static void Check(int status)
    {
        if (status != 0) throw LastError();
    }
}
