using static GatoMesh.Torch.Native.TorchNative;
using static GatoMesh.Torch.Tensor;

namespace GatoMesh.Torch;

/// <summary>
/// torch.nn.functional: the stateless network functions the nn blocks (GatoMesh.Torch.Nn) and the
/// Gato model call. Each is one native call; shape and dtype errors carry libtorch's message.
/// </summary>
public static class Functional
{
    /// <summary>x W^T + b: x [..., in], weight [out, in], bias [out] or null.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) =>
        new(gm_linear(Arg(x), Arg(weight), OptionalArg(bias)));

    public static Tensor Softmax(Tensor x, long dim) => new(gm_softmax(Arg(x), dim));
    public static Tensor LogSoftmax(Tensor x, long dim) => new(gm_log_softmax(Arg(x), dim));

    /// <summary>GELU: the exact x * Phi(x) (erf form), or the tanh approximation when <paramref name="tanhApproximation"/>.</summary>
    public static Tensor Gelu(Tensor x, bool tanhApproximation = false) => new(gm_gelu(Arg(x), tanhApproximation ? 1 : 0));

    public static Tensor Relu(Tensor x) => new(gm_relu(Arg(x)));

    /// <summary>Normalizes over the trailing <paramref name="normalizedShape"/> dimensions.</summary>
    public static unsafe Tensor LayerNorm(Tensor x, ReadOnlySpan<long> normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        var hx = Arg(x);
        fixed (long* p = normalizedShape)
            return new(gm_layer_norm(hx, p, normalizedShape.Length, OptionalArg(weight), OptionalArg(bias), eps));
    }

    /// <summary>x [N, C, ...] normalized within each of <paramref name="groups"/> channel groups.</summary>
    public static Tensor GroupNorm(Tensor x, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        new(gm_group_norm(Arg(x), groups, OptionalArg(weight), OptionalArg(bias), eps));

    /// <summary>x [N, Cin, H, W], weight [Cout, Cin / groups, kH, kW], bias [Cout] or null.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, (long H, long W)? stride = null,
        (long H, long W)? padding = null, (long H, long W)? dilation = null, long groups = 1)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        return new(gm_conv2d(Arg(x), Arg(weight), OptionalArg(bias), s.H, s.W, p.H, p.W, d.H, d.W, groups));
    }

    /// <summary>Rows of <paramref name="weight"/> [V, D] at <paramref name="ids"/> (Int64 or Int32): [..., D].</summary>
    public static Tensor Embedding(Tensor ids, Tensor weight) => new(gm_embedding(Arg(weight), Arg(ids)));

    /// <summary>Inverted dropout: zeroes each element with probability <paramref name="p"/> and scales the rest
    /// by 1 / (1 - p) while <paramref name="training"/>; the identity otherwise.</summary>
    public static Tensor Dropout(Tensor x, double p, bool training = true, Generator? generator = null)
    {
        if (p is < 0 or > 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        return new(gm_dropout(Arg(x), p, training ? 1 : 0, OptionalArg(generator)));
    }

    /// <summary>
    /// Cross-entropy on the positions the mask selects (Gato's loss: text and action tokens only, paper
    /// section 2.3). logits [N, V], targets [N] Int64, mask [N] Bool or floating (weights).
    /// <c>Loss</c> is the scalar sum(perToken * mask) / max(sum(mask), 1); <c>PerToken</c> [N] holds every
    /// position's loss, masked or not (for evaluation).
    /// </summary>
    public static (Tensor Loss, Tensor PerToken) MaskedCrossEntropy(Tensor logits, Tensor targets, Tensor mask)
    {
        Check(gm_masked_cross_entropy(Arg(logits), Arg(targets), Arg(mask), out var loss, out var perToken));
        return (new Tensor(loss), new Tensor(perToken));
    }
}
