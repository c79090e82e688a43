using System.Runtime.InteropServices;
using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

/// <summary>Process-wide libtorch facts and settings.</summary>
public static class Torch
{
    /// <summary>The version libtorch reports, e.g. "1.13.1".</summary>
    public static string Version => Marshal.PtrToStringUTF8(gm_torch_version())!;

    public static int CudaDeviceCount => gm_cuda_device_count();

    /// <summary>"cpu" then "cuda:0".. for every CUDA device the loaded libtorch sees.</summary>
    public static IReadOnlyList<Device> Devices =>
        [Device.Cpu, .. Enumerable.Range(0, CudaDeviceCount).Select(Device.Cuda)];

    /// <summary>libtorch's intra-op thread count. On a 2-core machine 1 is usually fastest for matmul:
    /// OpenBLAS runs its own threads and oversubscribes with OpenMP's (MACHINE.md).</summary>
    public static int Threads
    {
        get => gm_get_num_threads();
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(Threads), value, "at least 1 thread");
            Check(gm_set_num_threads(value));
        }
    }

    /// <summary>Seeds libtorch's default generators (CPU and CUDA).</summary>
    public static void ManualSeed(ulong seed) => gm_manual_seed(seed);
}
