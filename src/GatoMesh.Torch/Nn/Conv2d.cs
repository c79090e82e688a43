namespace GatoMesh.Torch.Nn;

/// <summary>2-D convolution with square kernels. PyTorch's default initialization: weight and bias
/// uniform in ±1/sqrt(fan_in), fan_in = in/groups * k * k.</summary>
public sealed class Conv2d : Module
{
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0,
        long groups = 1, bool bias = true, Generator? generator = null, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups})", nameof(groups));
        Stride = stride;
        Padding = padding;
        Groups = groups;
        var bound = 1 / Math.Sqrt(inChannels / groups * kernelSize * kernelSize);
        Weight = RegisterParameter("weight", OnDevice(Tensor.Empty([outChannels, inChannels / groups, kernelSize, kernelSize], dtype)
            .UniformInPlace(-bound, bound, generator), device));
        if (bias)
            Bias = RegisterParameter("bias", OnDevice(Tensor.Empty([outChannels], dtype).UniformInPlace(-bound, bound, generator), device));
    }

    public long Stride { get; }
    public long Padding { get; }
    public long Groups { get; }
    /// <summary>[out, in/groups, k, k].</summary>
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    /// <summary>x [N, in, H, W] -> [N, out, H', W'].</summary>
    public Tensor Forward(Tensor x) => Functional.Conv2d(x, Weight, Bias, (Stride, Stride), (Padding, Padding), groups: Groups);
}
