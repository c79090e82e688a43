using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

// native/torch/heap.cpp
internal static partial class TorchNative
{
    [LibraryImport(Library)] internal static partial long gm_native_heap_bytes();
}
