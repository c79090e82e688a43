using GatoMesh.Model;

namespace GatoMesh.Bench.Serving;

/// <summary>
/// Model FLOPs of serving (bench/README.md, "serving"): per processed token (decode or prefill),
/// 2 x the non-embedding parameters (every block's qkv, output, and two FFN matmuls: the
/// multiply-adds of one token through the weights), plus attention: 2 x 2 x keys x attention width
/// per block (scores and the weighted sum of values) for a token attending <c>keys</c> cached
/// tokens. Layer norms, biases, GELU and the image patch embedding are left out (they are
/// not matmul FLOPs); so are the action logits (2 x width x 1024 per sampled token, under 2% here).
/// </summary>
internal static class ServingFlops
{
    /// <summary>Weights of the transformer blocks (biases included): what every token multiplies through.</summary>
    public static double NonEmbeddingParameters(GatoConfig c)
    {
        double w = c.Width, a = c.AttentionWidth, f = c.Ffn;
        return c.Layers * (w * 3 * a + 3 * a + a * w + w + w * f + f + f * w + w);
    }

    public static double PerToken(GatoConfig c, double keys) =>
        2 * NonEmbeddingParameters(c) + c.Layers * 4.0 * keys * c.AttentionWidth;
}
