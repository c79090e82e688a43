namespace GatoMesh.Torch.Native;

// native/torch/bytes.cpp
internal static unsafe partial class TorchNative
{
    [System.Runtime.InteropServices.LibraryImport(Library)] internal static partial void* gm_tensor_data_ptr(TensorHandle t);
    [System.Runtime.InteropServices.LibraryImport(Library)] internal static partial long gm_tensor_nbytes(TensorHandle t);
}
