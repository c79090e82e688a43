using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

/// <summary>The bytes the native heap (malloc, where libtorch's CPU allocator takes tensor memory) holds in use.</summary>
internal static class NativeHeap
{
    public static long AllocatedBytes => gm_native_heap_bytes();
}
