using GatoMesh.Torch;
using GatoMesh.Torch.Distributed;

namespace GatoMesh.Model;

/// <summary>
/// Sums every rank's gradients (and its share of the loss) so each rank ends a backward pass with
/// the gradient of the whole global batch. Gradients go through one flat float buffer (one Gloo
/// all-reduce instead of one per tensor). A parameter that received no gradient on any rank (e.g.
/// the patch embedding when no micro-batch held an image) is left without one, as in the
/// single-process step: AdamW then skips it rather than decaying it with a zero gradient.
/// </summary>
internal static class GradientReduction
{
    /// <summary>Returns the all-reduced <paramref name="localLoss"/>; replaces each parameter's
    /// gradient by the sum over ranks.</summary>
    public static double AllReduce(ProcessGroup group, IReadOnlyList<Tensor> parameters, double localLoss)
    {
        var n = parameters.Count;
        var pieces = new Tensor[n];
        // [has-gradient flag per parameter..., local loss]: float64 so the loss sum keeps its precision.
        var side = new double[n + 1];
        using var scope = DisposeScope.Begin();
        for (var i = 0; i < n; i++)
        {
            var p = parameters[i];
            var grad = p.Grad;
            side[i] = grad is null ? 0 : 1;
            pieces[i] = grad is null ? Tensor.Zeros([p.Count], p.DType, p.Device) : grad.Contiguous().View(p.Count);
        }
        side[n] = localLoss;
        var flat = Tensor.Cat(pieces);
        var flags = Tensor.From<double>(side, [n + 1]);
        group.AllReduce(flat);
        group.AllReduce(flags);
        var reduced = flags.ToArray<double>();
        long offset = 0;
        for (var i = 0; i < n; i++)
        {
            var p = parameters[i];
            p.Grad = reduced[i] > 0 ? flat.Narrow(0, offset, p.Count).View(p.Shape) : null;
            offset += p.Count;
        }
        return reduced[n];
    }

    /// <summary>The sum over ranks of <paramref name="value"/> (the summed loss weights of each rank's masked tokens), in double precision.</summary>
    public static double Sum(ProcessGroup group, double value)
    {
        using var total = Tensor.From<double>([value], [1]);
        group.AllReduce(total);
        return total.ToArray<double>()[0];
    }
}
