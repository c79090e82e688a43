using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// One pre-LN decoder block (docs/MODEL.md): h = x + Dropout(Attn(LN1 x)); y = h + Dropout(MLP(LN2 h)).
/// The one forward pass of training, the reference and the inference engine: only the attention backend
/// differs (<see cref="IAttentionBackend"/>).
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

    /// <summary>The block's matrix products: what a serving copy holds in the compute precision.</summary>
    public IEnumerable<Linear> Linears => [Attention.Qkv, Attention.Out, Mlp.Fc1, Mlp.Fc2];

    /// <summary>x [..., width] (the new tokens; [B, T, width] for <see cref="DenseAttention"/>, [N, width] for
    /// the engine's paged backends) -> [..., width].</summary>
    internal Tensor Forward(Tensor x, IAttentionBackend attention, int layer)
    {
        using var scope = DisposeScope.Begin();
        var h = x + dropout.Forward(Attention.Forward(Ln1.Forward(x), attention, layer));
        return (h + dropout.Forward(Mlp.Forward(Ln2.Forward(h)))).MoveToOuterScope();
    }
}
