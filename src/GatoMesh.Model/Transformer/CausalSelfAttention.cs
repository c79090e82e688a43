using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// Multi-head causal self-attention (docs/MODEL.md): qkv = x Wqkv^T + b is split as [q | k | v], each
/// Heads x KvSize with head h in columns [h*KvSize, (h+1)*KvSize); scores are q k^T / sqrt(KvSize), keys a
/// query must not see are -inf before the softmax; the heads' outputs, concatenated, go through Out.
/// Which keys a query sees and where they are kept is the <see cref="IAttentionBackend"/>'s.
/// </summary>
public sealed class CausalSelfAttention : Module
{
    private readonly Dropout dropout;

    internal CausalSelfAttention(GatoConfig config, Generator generator, Generator dropoutGenerator, Device? device)
    {
        Heads = config.Heads;
        KvSize = config.KvSize;
        Scale = 1 / Math.Sqrt(KvSize);
        Qkv = RegisterModule("qkv", new Linear(config.Width, 3L * config.AttentionWidth, generator: generator, device: device));
        Out = RegisterModule("out", new Linear(config.AttentionWidth, config.Width, generator: generator, device: device));
        dropout = RegisterModule("dropout", new Dropout(config.Dropout, dropoutGenerator));
    }

    public int Heads { get; }
    public int KvSize { get; }
    /// <summary>[3 * Heads * KvSize, width].</summary>
    public Linear Qkv { get; }
    /// <summary>[width, Heads * KvSize].</summary>
    public Linear Out { get; }

    /// <summary>The attention scale 1/sqrt(KvSize) (docs/MODEL.md: the key size, not width / heads).</summary>
    public double Scale { get; }

    /// <summary>Dropout on the attention weights (training only).</summary>
    internal Dropout Dropout => dropout;

    /// <summary>x [..., width] (the new tokens, normalized) -> [..., width].</summary>
    internal Tensor Forward(Tensor x, IAttentionBackend backend, int layer)
    {
        using var scope = DisposeScope.Begin();
        return Out.Forward(backend.Attend(layer, Qkv.Forward(x), this)).MoveToOuterScope();
    }
}
