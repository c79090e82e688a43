using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// The transformer's initial weights (GPT-2's scheme, which Gato's 2022 training code follows in
/// spirit): every embedding table and transformer Linear weight N(0, 0.02), biases zero, and the two
/// residual-branch outputs (attn.out, mlp.fc2) scaled by 1/sqrt(2 * layers) so the residual stream's
/// variance does not grow with depth. A unit-variance token table (PyTorch's default) would make the
/// tied output logits ~sqrt(width) large and training start badly. The patch stem and residual convs
/// and the patch projection keep PyTorch's defaults. Norms start at ones and zeros.
/// </summary>
internal static class Initialization
{
    public const double Std = 0.02;

    public static void Apply(GatoModel model, Generator generator)
    {
        using var noGrad = new NoGradScope();
        var embed = model.Embed;
        foreach (var table in new[] { embed.Tokens, embed.LocalPositions, embed.PatchRows, embed.PatchCols })
            DrawNormal(table.Weight, Std, generator);
        var residualStd = Std / Math.Sqrt(2.0 * model.Config.Layers);
        foreach (var block in model.Blocks)
        {
            Normal(block.Qkv, Std, generator);
            Normal(block.Out, residualStd, generator);
            Normal(block.Fc1, Std, generator);
            Normal(block.Fc2, residualStd, generator);
        }
    }

    private static void Normal(Linear linear, double std, Generator generator)
    {
        DrawNormal(linear.Weight, std, generator);
        linear.Bias?.Fill(0);
    }

    /// <summary>Draws on the CPU generator and copies to the parameter's device, so a seed means the same
    /// weights everywhere.</summary>
    private static void DrawNormal(Tensor parameter, double std, Generator generator)
    {
        using var cpu = Tensor.Empty(parameter.Shape).NormalInPlace(0, std, generator);
        parameter.CopyFrom(cpu);
    }
}
