using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

// native/torch/optim.cpp
internal static unsafe partial class TorchNative
{
    [LibraryImport(Library)]
    internal static partial int gm_adamw_step(IntPtr* parameters, IntPtr* expAvg, IntPtr* expAvgSq, long* steps, int count,
                                              double lr, double beta1, double beta2, double eps, double weightDecay);

    [LibraryImport(Library)]
    internal static partial int gm_clip_grad_norm(IntPtr* parameters, int count, double maxNorm, double* totalNorm);
}
