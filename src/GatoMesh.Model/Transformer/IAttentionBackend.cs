using GatoMesh.Torch;

namespace GatoMesh.Model;

/// <summary>
/// Where a block's attention finds the keys and values its new tokens' queries see. There is one
/// forward pass (<see cref="TransformerBlock"/>): training and the full-sequence reference attend within a
/// padded batch (<see cref="DenseAttention"/>); the inference engine's paged backends attend over its
/// paged KV cache, which holds the earlier tokens of every sequence (host memory or a device; docs/ENGINE.md).
/// </summary>
internal interface IAttentionBackend
{
    /// <param name="layer">The block's index (which layer of the cache to read and write).</param>
    /// <param name="qkv">The block's projections of the new tokens, [..., 3a] (q | k | v; head h in columns
    /// [h D, (h + 1) D) of each).</param>
    /// <param name="attention">The block's attention: heads, key size, scale and dropout.</param>
    /// <returns>The heads' outputs concatenated in head order, [..., a].</returns>
    Tensor Attend(int layer, Tensor qkv, CausalSelfAttention attention);
}
