using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

// native/torch/random.cpp. A generator argument of GeneratorHandle.None means libtorch's default one.
internal static unsafe partial class TorchNative
{
    [LibraryImport(Library)] internal static partial GeneratorHandle gm_generator_new(ulong seed, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial void gm_generator_free(IntPtr generator);
    [LibraryImport(Library)] internal static partial int gm_generator_set_seed(GeneratorHandle generator, ulong seed);
    [LibraryImport(Library)] internal static partial TensorHandle gm_rand(long* dims, int ndim, GeneratorHandle generator, sbyte dtype, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle gm_randn(long* dims, int ndim, GeneratorHandle generator, sbyte dtype, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle gm_randint(long low, long high, long* dims, int ndim, GeneratorHandle generator, sbyte dtype, sbyte deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial int gm_uniform_(TensorHandle t, double from, double to, GeneratorHandle generator);
    [LibraryImport(Library)] internal static partial int gm_normal_(TensorHandle t, double mean, double std, GeneratorHandle generator);
    [LibraryImport(Library)] internal static partial int gm_topk(TensorHandle t, long k, long dim, int largest, int sorted, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Library)] internal static partial TensorHandle gm_multinomial(TensorHandle probabilities, long samples, int replacement, GeneratorHandle generator);
    [LibraryImport(Library)] internal static partial TensorHandle gm_dropout(TensorHandle x, double p, int training, GeneratorHandle generator);
}
