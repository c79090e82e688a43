using GatoMesh.Tokens;
using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// Gato's embedding function (paper section 2.2): a token id is looked up in one table shared by text,
/// discrete and continuous values and the separator; an image patch slot (id -1) is the ResNet patch
/// embedding plus learned row and column encodings of its bucketed position. Every token then adds the
/// learned local observation position of its index in the timestep (actions share one entry). There is
/// no absolute sequence position: where a timestep sits in the context does not change its embedding.
/// </summary>
public sealed class TokenEmbedding : Module
{
    private readonly GatoConfig config;

    internal TokenEmbedding(GatoConfig config, Generator generator, Device? device)
    {
        this.config = config;
        Tokens = RegisterModule("tokens", new Embedding(config.VocabSize, config.Width, generator, device: device));
        LocalPositions = RegisterModule("local_positions", new Embedding(config.LocalPositions, config.Width, generator, device: device));
        PatchRows = RegisterModule("patch_rows", new Embedding(config.PatchBuckets, config.Width, generator, device: device));
        PatchCols = RegisterModule("patch_cols", new Embedding(config.PatchBuckets, config.Width, generator, device: device));
        Patch = RegisterModule("patch", new PatchEmbedding(config, generator, device));
    }

    /// <summary>[VocabSize, width]; also the (tied) output projection.</summary>
    public Embedding Tokens { get; }
    public Embedding LocalPositions { get; }
    public Embedding PatchRows { get; }
    public Embedding PatchCols { get; }
    public PatchEmbedding Patch { get; }

    /// <summary>N tokens -> [N, width].</summary>
    public Tensor Forward(TokenBatchInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        inputs.Validate(config);
        return Forward(inputs.Ids, inputs.LocalPositions, inputs.Patches, inputs.PatchRows, inputs.PatchCols);
    }

    /// <summary>The same from spans (the engine's reused buffers): ids (-1 a patch slot), local positions,
    /// per patch its pixels [3, 16, 16] and row and column buckets. Checked by the caller.</summary>
    internal Tensor Forward(ReadOnlySpan<long> ids, ReadOnlySpan<long> localPositions, ReadOnlySpan<float> pixels,
        ReadOnlySpan<long> patchRows, ReadOnlySpan<long> patchCols)
    {
        using var scope = DisposeScope.Begin();
        var device = Tokens.Weight.Device;
        var n = ids.Length;
        var local = LocalPositions.Forward(Tensor.From(localPositions, [n], device));
        var patchCount = patchRows.Length;
        if (patchCount == 0)
            return (Tokens.Forward(Tensor.From(ids, [n], device)) + local).MoveToOuterScope();

        // Rows 0..M-1 of the table are the M id tokens, rows M..M+P-1 the P patches; each token then
        // picks its row, so ids and patches interleave as the sequence has them.
        var textIds = new long[n - patchCount];
        var order = new long[n];
        for (int i = 0, m = 0, k = 0; i < n; i++)
        {
            if (ids[i] == TokenBatchInputs.PatchId) order[i] = textIds.Length + k++;
            else { textIds[m] = ids[i]; order[i] = m++; }
        }
        var image = Tensor.From(pixels, [patchCount, ImagePatcher.Channels, config.PatchSize, config.PatchSize], device);
        var patches = Patch.Forward(image)
            + PatchRows.Forward(Tensor.From(patchRows, [patchCount], device))
            + PatchCols.Forward(Tensor.From(patchCols, [patchCount], device));
        var table = Tensor.Cat([Tokens.Forward(Tensor.From<long>(textIds, [textIds.Length], device)), patches]);
        return (table.IndexSelect(0, Tensor.From<long>(order, [n], device)) + local).MoveToOuterScope();
    }
}
