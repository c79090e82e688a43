using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// Embeds 16x16 image patches (paper section 2.2: "a single ResNet block"). A 4x4 stride-4 stem
/// turns a patch into a C x 4 x 4 grid; a pre-activation (v2) residual block
/// GroupNorm(32) -> GELU -> conv3x3 -> GroupNorm(32) -> GELU -> conv3x3 is added to it; the result is
/// flattened (C*4*4, channel-major) and projected to the model width.
/// </summary>
public sealed class PatchEmbedding : Module
{
    private readonly long channels, width;
    private readonly bool normalize;
    private readonly double eps;

    internal PatchEmbedding(GatoConfig config, Generator generator, Device? device)
    {
        channels = config.PatchChannels;
        width = config.Width;
        normalize = config.PatchNorm;
        eps = config.LayerNormEps;
        const int stride = TensorLayout.PatchStemStride;
        var grid = config.PatchSize / stride;
        Stem = RegisterModule("stem", new Conv2d(3, channels, stride, stride, generator: generator, device: device));
        Norm1 = RegisterModule("norm1", new GroupNorm(GroupNormGroups, channels, device: device));
        Conv1 = RegisterModule("conv1", new Conv2d(channels, channels, 3, padding: 1, generator: generator, device: device));
        Norm2 = RegisterModule("norm2", new GroupNorm(GroupNormGroups, channels, device: device));
        Conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, padding: 1, generator: generator, device: device));
        Projection = RegisterModule("proj", new Linear(channels * grid * grid, config.Width, generator: generator, device: device));
    }

    /// <summary>Scale of a normalized patch embedding a dimension (<see cref="GatoConfig.PatchNorm"/>): the 0.02 every
    /// token row starts at (docs/MODEL.md). Part of the model's function, so a constant of its own: changing how
    /// weights start must not change what a trained checkpoint computes.</summary>
    public const double NormalizedScale = 0.02;

    /// <summary>GATO.md: GroupNorm with 32 groups.</summary>
    public const int GroupNormGroups = 32;

    public Conv2d Stem { get; }
    public GroupNorm Norm1 { get; }
    public Conv2d Conv1 { get; }
    public GroupNorm Norm2 { get; }
    public Conv2d Conv2 { get; }
    public Linear Projection { get; }

    /// <summary>pixels [P, 3, 16, 16] -> [P, width].</summary>
    public Tensor Forward(Tensor pixels)
    {
        using var scope = DisposeScope.Begin();
        var stem = Stem.Forward(pixels);                                            // [P, C, 4, 4]
        var residual = Conv1.Forward(Functional.Gelu(Norm1.Forward(stem)));
        residual = Conv2.Forward(Functional.Gelu(Norm2.Forward(residual)));
        var block = stem + residual;
        var embedded = Projection.Forward(block.Flatten(1));                         // [P, C*16] -> [P, width]
        if (normalize)
            embedded = Functional.LayerNorm(embedded, [width], eps: eps) * NormalizedScale;
        return embedded.MoveToOuterScope();
    }
}
