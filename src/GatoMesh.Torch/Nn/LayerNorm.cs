namespace GatoMesh.Torch.Nn;

/// <summary>Layer normalization over the last dimension, with a learned scale (ones) and shift (zeros).</summary>
public sealed class LayerNorm : Module
{
    private readonly long dim;

    public LayerNorm(long dim, double eps = 1e-5, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        this.dim = dim;
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones([dim], dtype, device));
        Bias = RegisterParameter("bias", Tensor.Zeros([dim], dtype, device));
    }

    public double Eps { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }

    public Tensor Forward(Tensor x) => Functional.LayerNorm(x, [dim], Weight, Bias, Eps);
}
