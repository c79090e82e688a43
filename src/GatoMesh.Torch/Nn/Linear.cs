namespace GatoMesh.Torch.Nn;

/// <summary>y = x W^T + b. PyTorch's default initialization: W and b uniform in ±1/sqrt(in)
/// (kaiming_uniform with a = sqrt(5) reduces to that bound).</summary>
public sealed class Linear : Module
{
    public Linear(long inFeatures, long outFeatures, bool bias = true, Generator? generator = null,
        DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        var bound = 1 / Math.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", OnDevice(Tensor.Empty([outFeatures, inFeatures], dtype).UniformInPlace(-bound, bound, generator), device));
        if (bias)
            Bias = RegisterParameter("bias", OnDevice(Tensor.Empty([outFeatures], dtype).UniformInPlace(-bound, bound, generator), device));
    }

    /// <summary>[out, in].</summary>
    public Tensor Weight { get; }
    /// <summary>[out], or null without bias.</summary>
    public Tensor? Bias { get; }

    public Tensor Forward(Tensor x) => Functional.Linear(x, Weight, Bias);
}
