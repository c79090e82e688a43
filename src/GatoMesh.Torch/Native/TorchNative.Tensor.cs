using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

// native/torch/tensor.cpp and autograd.cpp
internal static unsafe partial class TorchNative
{
    [LibraryImport(Library)] internal static partial void gm_tensor_free(IntPtr tensor);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_from_data(void* data, long* dims, int ndim, sbyte dtype, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial int gm_tensor_copy_to(TensorHandle t, void* destination, long bytes);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_empty(long* dims, int ndim, sbyte dtype, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_full(long* dims, int ndim, double value, sbyte dtype, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial int gm_tensor_ndim(TensorHandle t);
    [LibraryImport(Library)] internal static partial int gm_tensor_sizes(TensorHandle t, long* sizes, int capacity);
    [LibraryImport(Library)] internal static partial long gm_tensor_numel(TensorHandle t);
    [LibraryImport(Library)] internal static partial sbyte gm_tensor_dtype(TensorHandle t);
    [LibraryImport(Library)] internal static partial sbyte gm_tensor_device_type(TensorHandle t);
    [LibraryImport(Library)] internal static partial int gm_tensor_device_index(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_to(TensorHandle t, sbyte dtype, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial int gm_tensor_item(TensorHandle t, double* value);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_clone(TensorHandle t);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_contiguous(TensorHandle t);

    [LibraryImport(Library)] internal static partial IntPtr gm_torch_version();
    [LibraryImport(Library)] internal static partial int gm_cuda_device_count();
    [LibraryImport(Library)] internal static partial int gm_get_num_threads();
    [LibraryImport(Library)] internal static partial int gm_set_num_threads(int threads);
    [LibraryImport(Library)] internal static partial void gm_manual_seed(ulong seed);

    [LibraryImport(Library)] internal static partial int gm_tensor_requires_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int gm_tensor_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int gm_tensor_set_grad(TensorHandle t, TensorHandle grad);
    [LibraryImport(Library)] internal static partial int gm_tensor_zero_grad(TensorHandle t);
    [LibraryImport(Library)] internal static partial int gm_tensor_backward(TensorHandle t, TensorHandle gradOutput, int retainGraph);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tensor_detach(TensorHandle t);
    [LibraryImport(Library)] internal static partial int gm_grad_enabled();
    [LibraryImport(Library)] internal static partial void gm_set_grad_enabled(int enabled);
    [LibraryImport(Library)] internal static partial int gm_autocast_enter(sbyte deviceType, sbyte dtype, out int previousEnabled, out sbyte previousDType);
    [LibraryImport(Library)] internal static partial int gm_autocast_exit(sbyte deviceType, int previousEnabled, sbyte previousDType);
    [LibraryImport(Library)] internal static partial int gm_autocast_enabled(sbyte deviceType);
    [LibraryImport(Library)] internal static partial int gm_tensor_copy_to_as(TensorHandle t, sbyte dtype, void* destination, long bytes);
    [LibraryImport(Library)] internal static partial int gm_tensor_set_data(TensorHandle t, TensorHandle source);
}
