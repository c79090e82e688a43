using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch.Optim;

/// <summary>Global-norm gradient clipping (Gato clips at 1.0, paper appendix), in one native call.</summary>
public static class GradientClipping
{
    /// <summary>
    /// When the L2 norm of all gradients together exceeds <paramref name="maxNorm"/>, scales every gradient
    /// by maxNorm / norm (so the new norm is maxNorm); otherwise leaves them exactly as they are.
    /// Parameters without a gradient are skipped. Returns the norm before clipping; when it is not finite
    /// the gradients are left alone and the caller should skip the step.
    /// </summary>
    public static unsafe double ClipByGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be > 0");
        var list = parameters.ToList();
        for (var i = 0; i < list.Count; i++)
            if (list[i] is null) throw new ArgumentNullException(nameof(parameters), $"parameter {i} is null");
        using var handles = new BorrowedHandles(list);
        double total;
        fixed (IntPtr* p = handles.Pointers)
            Check(gm_clip_grad_norm(p, list.Count, maxNorm, &total));
        return total;
    }
}
