using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// One pre-LN decoder block (docs/MODEL.md): h = x + Dropout(Attn(LN1 x)); y = h + Dropout(MLP(LN2 h)).
/// The engine runs its own paged attention between <see cref="Ln1"/>/<see cref="Qkv"/> and
/// <see cref="Out"/>, then <see cref="FeedForwardResidual"/>.
/// </summary>
public sealed class TransformerBlock : Module
{
    private readonly Dropout dropout;

    internal TransformerBlock(GatoConfig config, Generator generator, Generator dropoutGenerator, Device? device)
    {
        Ln1 = RegisterModule("ln1", new LayerNorm(config.Width, config.LayerNormEps, device: device));
        Attention = RegisterModule("attn", new CausalSelfAttention(config, generator, dropoutGenerator, device));
        Ln2 = RegisterModule("ln2", new LayerNorm(config.Width, config.LayerNormEps, device: device));
        Mlp = RegisterModule("mlp", new FeedForward(config, generator, device));
        dropout = RegisterModule("dropout", new Dropout(config.Dropout, dropoutGenerator));
    }

    public LayerNorm Ln1 { get; }
    public CausalSelfAttention Attention { get; }
    public LayerNorm Ln2 { get; }
    public FeedForward Mlp { get; }
    public Linear Qkv => Attention.Qkv;
    public Linear Out => Attention.Out;
    public Linear Fc1 => Mlp.Fc1;
    public Linear Fc2 => Mlp.Fc2;

    /// <summary>x [B, T, width], blocked [B, 1, T, T] -> [B, T, width].</summary>
    public Tensor Forward(Tensor x, Tensor blocked)
    {
        using var scope = DisposeScope.Begin();
        var h = x + dropout.Forward(Attention.Forward(Ln1.Forward(x), blocked));
        return FeedForwardResidual(h).MoveToOuterScope();
    }

    /// <summary>h + Dropout(MLP(LN2 h)), the second half of the block, for any leading shape.</summary>
    public Tensor FeedForwardResidual(Tensor h)
    {
        using var scope = DisposeScope.Begin();
        return (h + dropout.Forward(Mlp.Forward(Ln2.Forward(h)))).MoveToOuterScope();
    }
}
