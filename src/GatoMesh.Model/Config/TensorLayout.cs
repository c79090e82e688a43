namespace GatoMesh.Model;

/// <summary>One named parameter tensor of the model, as stored in model.safetensors.</summary>
public readonly record struct TensorSpec(string Name, long[] Shape, bool IsEmbedding)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Every parameter tensor of a <see cref="GatoConfig"/>, by name and shape: the single source of
/// truth for the checkpoint format (docs/MODEL.md), the loader's validation and the parameter counts.
/// The model builds exactly these tensors (a test holds it to that).
///
/// Counting rule (GATO.md asks us to state it): a parameter is every element of every tensor below;
/// the output projection is tied to embed.tokens.weight and is not counted twice. "Non-embedding"
/// (body) counts the transformer blocks and the final norm; "with embeddings" adds the token table,
/// the local-position and patch-position tables and the ResNet patch embedder.
/// </summary>
public static class TensorLayout
{
    public static IReadOnlyList<TensorSpec> For(GatoConfig c)
    {
        long w = c.Width, a = c.AttentionWidth, f = c.Ffn, ch = c.PatchChannels;
        var grid = c.PatchSize / PatchStemStride; // the stem turns a 16x16 patch into a 4x4 grid
        var specs = new List<TensorSpec>
        {
            new("embed.tokens.weight", [c.VocabSize, w], true),
            new("embed.local_positions.weight", [c.LocalPositions, w], true),
            new("embed.patch_rows.weight", [c.PatchBuckets, w], true),
            new("embed.patch_cols.weight", [c.PatchBuckets, w], true),
            new("embed.patch.stem.weight", [ch, 3, PatchStemStride, PatchStemStride], true),
            new("embed.patch.stem.bias", [ch], true),
            new("embed.patch.norm1.weight", [ch], true),
            new("embed.patch.norm1.bias", [ch], true),
            new("embed.patch.conv1.weight", [ch, ch, 3, 3], true),
            new("embed.patch.conv1.bias", [ch], true),
            new("embed.patch.norm2.weight", [ch], true),
            new("embed.patch.norm2.bias", [ch], true),
            new("embed.patch.conv2.weight", [ch, ch, 3, 3], true),
            new("embed.patch.conv2.bias", [ch], true),
            new("embed.patch.proj.weight", [w, ch * grid * grid], true),
            new("embed.patch.proj.bias", [w], true),
        };
        for (var i = 0; i < c.Layers; i++)
        {
            var p = $"blocks.{i}.";
            specs.Add(new(p + "ln1.weight", [w], false));
            specs.Add(new(p + "ln1.bias", [w], false));
            specs.Add(new(p + "attn.qkv.weight", [3 * a, w], false));
            specs.Add(new(p + "attn.qkv.bias", [3 * a], false));
            specs.Add(new(p + "attn.out.weight", [w, a], false));
            specs.Add(new(p + "attn.out.bias", [w], false));
            specs.Add(new(p + "ln2.weight", [w], false));
            specs.Add(new(p + "ln2.bias", [w], false));
            specs.Add(new(p + "mlp.fc1.weight", [f, w], false));
            specs.Add(new(p + "mlp.fc1.bias", [f], false));
            specs.Add(new(p + "mlp.fc2.weight", [w, f], false));
            specs.Add(new(p + "mlp.fc2.bias", [w], false));
        }
        specs.Add(new("final_norm.weight", [w], false));
        specs.Add(new("final_norm.bias", [w], false));
        return specs;
    }

    /// <summary>The patch stem is a 4x4 convolution with stride 4.</summary>
    public const int PatchStemStride = 4;

    public static long Parameters(GatoConfig c) => For(c).Sum(s => s.Count);
    public static long NonEmbeddingParameters(GatoConfig c) => For(c).Where(s => !s.IsEmbedding).Sum(s => s.Count);
}
