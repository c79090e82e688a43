using GatoMesh.Tokens;

namespace GatoMesh.Model;

/// <summary>
/// N flattened tokens to embed (docs/TOKENS.md, "One timestep"): an id per token (-1 for an image patch
/// slot; the k-th -1 takes the k-th patch), a local position per token (actions share the last entry),
/// and per patch its 768 pixels ([channel, row, column]) and row and column buckets.
/// </summary>
public sealed record TokenBatchInputs(long[] Ids, long[] LocalPositions, float[] Patches, long[] PatchRows, long[] PatchCols)
{
    public const long PatchId = -1;

    /// <summary>Values per patch: 3 x 16 x 16, the token space's (<see cref="ImagePatcher.PatchPixels"/>).</summary>
    public const int PatchPixels = ImagePatcher.PatchPixels;

    public int Count => Ids.Length;
    public int PatchCount => PatchRows.Length;

    /// <summary>The tokens of an encoded buffer (a timestep, a context, a training sequence), copied.</summary>
    public static TokenBatchInputs From(TokenBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var ids = new long[buffer.Count];
        var local = new long[buffer.Count];
        for (var i = 0; i < ids.Length; i++) (ids[i], local[i]) = (buffer.Ids[i], buffer.LocalPositions[i]);
        var rows = new long[buffer.PatchCount];
        var cols = new long[buffer.PatchCount];
        for (var p = 0; p < rows.Length; p++) (rows[p], cols[p]) = (buffer.PatchRows[p], buffer.PatchColumns[p]);
        return new TokenBatchInputs(ids, local, buffer.PatchPixels.ToArray(), rows, cols);
    }

    /// <summary>Tokens without images.</summary>
    public static TokenBatchInputs Text(long[] ids, long[] localPositions) => new(ids, localPositions, [], [], []);

    /// <summary>Checks every array against <paramref name="config"/>, naming the first bad element.</summary>
    internal void Validate(GatoConfig config)
    {
        if (LocalPositions.Length != Ids.Length)
            throw new InvalidModelInputException("local_positions", LocalPositions.Length, $"must have one entry per id ({Ids.Length})");
        if (PatchCols.Length != PatchRows.Length)
            throw new InvalidModelInputException("patch_cols", PatchCols.Length, $"must have one entry per patch row ({PatchRows.Length})");
        if (Patches.Length != (long)PatchRows.Length * PatchPixels)
            throw new InvalidModelInputException("patches", Patches.Length, $"must hold {PatchPixels} floats per patch ({PatchRows.Length} patches)");
        var slots = 0;
        for (var i = 0; i < Ids.Length; i++)
        {
            if (Ids[i] == PatchId) slots++;
            else if (Ids[i] < 0 || Ids[i] >= config.VocabSize)
                throw new InvalidModelInputException($"ids[{i}]", Ids[i], $"must be -1 (a patch) or in [0, {config.VocabSize})");
            if (LocalPositions[i] < 0 || LocalPositions[i] >= config.LocalPositions)
                throw new InvalidModelInputException($"local_positions[{i}]", LocalPositions[i], $"must be in [0, {config.LocalPositions})");
        }
        if (slots != PatchRows.Length)
            throw new InvalidModelInputException("patch_rows", PatchRows.Length, $"must have one entry per patch slot (ids holds {slots} of -1)");
        for (var p = 0; p < PatchRows.Length; p++)
        {
            if (PatchRows[p] < 0 || PatchRows[p] >= config.PatchBuckets)
                throw new InvalidModelInputException($"patch_rows[{p}]", PatchRows[p], $"must be in [0, {config.PatchBuckets})");
            if (PatchCols[p] < 0 || PatchCols[p] >= config.PatchBuckets)
                throw new InvalidModelInputException($"patch_cols[{p}]", PatchCols[p], $"must be in [0, {config.PatchBuckets})");
        }
    }
}
