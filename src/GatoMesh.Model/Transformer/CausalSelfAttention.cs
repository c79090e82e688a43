using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// Multi-head causal self-attention over a padded batch (the full-sequence path used in training and
/// as the reference for the engine). qkv = x Wqkv^T + b is split as [q | k | v], each Heads x KvSize
/// with head h in columns [h*KvSize, (h+1)*KvSize); scores are q k^T / sqrt(KvSize), blocked pairs are
/// set to -inf before the softmax.
/// </summary>
public sealed class CausalSelfAttention : Module
{
    private readonly Dropout dropout;

    internal CausalSelfAttention(GatoConfig config, Generator generator, Generator dropoutGenerator, Device? device)
    {
        Heads = config.Heads;
        KvSize = config.KvSize;
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

    /// <summary>The attention scale 1/sqrt(KvSize).</summary>
    public double Scale => 1 / Math.Sqrt(KvSize);

    /// <summary>x [B, T, width], blocked [B, 1, T, T] Bool (true: query i must not see key j) -> [B, T, width].</summary>
    public Tensor Forward(Tensor x, Tensor blocked)
    {
        using var scope = DisposeScope.Begin();
        long b = x.Size(0), t = x.Size(1), a = (long)Heads * KvSize;
        var qkv = Qkv.Forward(x);                                                   // [B, T, 3a]
        var q = qkv.Narrow(-1, 0, a).View(b, t, Heads, KvSize).Transpose(1, 2);    // [B, H, T, D]
        var k = qkv.Narrow(-1, a, a).View(b, t, Heads, KvSize).Transpose(1, 2);
        var v = qkv.Narrow(-1, 2 * a, a).View(b, t, Heads, KvSize).Transpose(1, 2);
        var scores = q.MatMul(k.Transpose(-2, -1)) * Scale;                         // [B, H, T, T]
        var weights = dropout.Forward(Functional.Softmax(scores.MaskedFill(blocked, double.NegativeInfinity), -1));
        var heads = weights.MatMul(v).Transpose(1, 2).Reshape(b, t, a);            // [B, T, a]
        return Out.Forward(heads).MoveToOuterScope();
    }
}
