using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

// native/torch/nn.cpp. Optional tensors (bias, norm weights) are TensorHandle.None when absent.
internal static unsafe partial class TorchNative
{
    [LibraryImport(Library)] internal static partial TensorHandle gm_linear(TensorHandle x, TensorHandle weight, TensorHandle bias);
    [LibraryImport(Library)] internal static partial TensorHandle gm_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_log_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_gelu(TensorHandle x, int tanh);
    [LibraryImport(Library)] internal static partial TensorHandle gm_relu(TensorHandle x);
    [LibraryImport(Library)] internal static partial TensorHandle gm_layer_norm(TensorHandle x, long* shape, int ndim, TensorHandle weight, TensorHandle bias, double eps);
    [LibraryImport(Library)] internal static partial TensorHandle gm_group_norm(TensorHandle x, long groups, TensorHandle weight, TensorHandle bias, double eps);
    [LibraryImport(Library)] internal static partial TensorHandle gm_conv2d(TensorHandle x, TensorHandle weight, TensorHandle bias, long strideH, long strideW, long padH, long padW, long dilationH, long dilationW, long groups);
    [LibraryImport(Library)] internal static partial TensorHandle gm_embedding(TensorHandle weight, TensorHandle ids);
    [LibraryImport(Library)] internal static partial int gm_masked_cross_entropy(TensorHandle logits, TensorHandle targets, TensorHandle mask, out TensorHandle loss, out TensorHandle perToken);
}
