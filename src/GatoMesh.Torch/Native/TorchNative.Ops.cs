using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

// native/torch/ops.cpp. A scalar crosses as (double value, int integral): see scalar() there.
internal static unsafe partial class TorchNative
{
    [LibraryImport(Library)] internal static partial TensorHandle gm_add(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Library)] internal static partial TensorHandle gm_sub(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Library)] internal static partial TensorHandle gm_mul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle gm_div(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle gm_pow(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle gm_add_scalar(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_sub_scalar(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_rsub_scalar(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_mul_scalar(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_div_scalar(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_rdiv_scalar(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_pow_scalar(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_neg(TensorHandle a);

    [LibraryImport(Library)] internal static partial int gm_add_(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Library)] internal static partial int gm_add_scalar_(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial int gm_mul_(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial int gm_mul_scalar_(TensorHandle a, double value, int integral);
    [LibraryImport(Library)] internal static partial int gm_copy_(TensorHandle a, TensorHandle source);
    [LibraryImport(Library)] internal static partial int gm_fill_(TensorHandle a, double value, int integral);

    [LibraryImport(Library)] internal static partial TensorHandle gm_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle gm_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle gm_baddbmm(TensorHandle input, TensorHandle a, TensorHandle b, double beta, double alpha);

    [LibraryImport(Library)] internal static partial TensorHandle gm_exp(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_log(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_sqrt(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_rsqrt(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tanh(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_sigmoid(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_abs(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_floor(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_clamp(TensorHandle a, double min, int hasMin, double max, int hasMax);

    [LibraryImport(Library)] internal static partial TensorHandle gm_compare(TensorHandle a, TensorHandle b, int op);
    [LibraryImport(Library)] internal static partial TensorHandle gm_compare_scalar(TensorHandle a, double value, int integral, int op);
    [LibraryImport(Library)] internal static partial TensorHandle gm_logical_not(TensorHandle a);
    [LibraryImport(Library)] internal static partial int gm_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, int* result);
    [LibraryImport(Library)] internal static partial TensorHandle gm_masked_fill(TensorHandle a, TensorHandle mask, double value, int integral);
    [LibraryImport(Library)] internal static partial TensorHandle gm_where(TensorHandle condition, TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial TensorHandle gm_triu(TensorHandle a, long diagonal);
    [LibraryImport(Library)] internal static partial TensorHandle gm_tril(TensorHandle a, long diagonal);

    [LibraryImport(Library)] internal static partial TensorHandle gm_sum(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_sum_dim(TensorHandle a, long dim, int keepdim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_mean(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_mean_dim(TensorHandle a, long dim, int keepdim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_max(TensorHandle a);
    [LibraryImport(Library)] internal static partial int gm_max_dim(TensorHandle a, long dim, int keepdim, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Library)] internal static partial TensorHandle gm_cumsum(TensorHandle a, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_argmax(TensorHandle a, long dim, int hasDim, int keepdim);

    [LibraryImport(Library)] internal static partial TensorHandle gm_view(TensorHandle a, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_reshape(TensorHandle a, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_expand(TensorHandle a, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_permute(TensorHandle a, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_transpose(TensorHandle a, long dim0, long dim1);
    [LibraryImport(Library)] internal static partial TensorHandle gm_unsqueeze(TensorHandle a, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_squeeze(TensorHandle a);
    [LibraryImport(Library)] internal static partial TensorHandle gm_squeeze_dim(TensorHandle a, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_flatten(TensorHandle a, long start, long end);
    [LibraryImport(Library)] internal static partial TensorHandle gm_narrow(TensorHandle a, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial TensorHandle gm_cat(IntPtr* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle gm_stack(IntPtr* tensors, int count, long dim);

    [LibraryImport(Library)] internal static partial TensorHandle gm_index_select(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial TensorHandle gm_gather(TensorHandle a, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial int gm_index_copy_(TensorHandle a, long dim, TensorHandle index, TensorHandle source);

    [LibraryImport(Library)] internal static partial TensorHandle gm_arange(double start, double end, double step, sbyte dtype, sbyte deviceType, int deviceIndex);
}
