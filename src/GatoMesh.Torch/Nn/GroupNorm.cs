namespace GatoMesh.Torch.Nn;

/// <summary>Group normalization (Gato's image-patch ResNet block, paper section 2.1), with a learned
/// per-channel scale (ones) and shift (zeros).</summary>
public sealed class GroupNorm : Module
{
    public GroupNorm(long groups, long channels, double eps = 1e-5, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (channels % groups != 0)
            throw new ArgumentException($"channels ({channels}) must be divisible by groups ({groups})", nameof(channels));
        Groups = groups;
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones([channels], dtype, device));
        Bias = RegisterParameter("bias", Tensor.Zeros([channels], dtype, device));
    }

    public long Groups { get; }
    public double Eps { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }

    /// <summary>x [N, C, ...].</summary>
    public Tensor Forward(Tensor x) => Functional.GroupNorm(x, Groups, Weight, Bias, Eps);
}
