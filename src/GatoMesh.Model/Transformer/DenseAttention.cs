using GatoMesh.Torch;

namespace GatoMesh.Model;

/// <summary>
/// Attention within a padded batch [B, T] (training and <see cref="GatoModel.Forward"/>): per head
/// softmax(q k^T / sqrt(D) with blocked pairs at -inf) v, dropout on the weights in training.
/// </summary>
/// <param name="blocked">Bool [B, 1, T, T]: true where query i must not see key j (<see cref="ModelInput.BlockedAttention"/>).</param>
internal sealed class DenseAttention(Tensor blocked) : IAttentionBackend
{
    /// <summary>qkv [B, T, 3a] -> [B, T, a].</summary>
    public Tensor Attend(int layer, Tensor qkv, CausalSelfAttention attention)
    {
        long b = qkv.Size(0), t = qkv.Size(1), heads = attention.Heads, size = attention.KvSize, a = heads * size;
        var q = qkv.Narrow(-1, 0, a).View(b, t, heads, size).Transpose(1, 2);    // [B, H, T, D]
        var k = qkv.Narrow(-1, a, a).View(b, t, heads, size).Transpose(1, 2);
        var v = qkv.Narrow(-1, 2 * a, a).View(b, t, heads, size).Transpose(1, 2);
        var scores = q.MatMul(k.Transpose(-2, -1)) * attention.Scale;                // [B, H, T, T]
        var weights = attention.Dropout.Forward(Functional.Softmax(scores.MaskedFill(blocked, double.NegativeInfinity), -1));
        return weights.MatMul(v).Transpose(1, 2).Reshape(b, t, a);                  // [B, T, a]
    }
}
