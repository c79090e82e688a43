namespace GatoMesh.Model.Tests;

/// <summary>Seeded random token sequences for a config: ids, local positions, and image patches
/// wherever an id is -1.</summary>
internal static class SampleTokens
{
    public static TokenBatchInputs Random(GatoConfig config, int count, int seed, double patchFraction = 0.25)
    {
        var random = new Random(seed);
        var ids = new long[count];
        var local = new long[count];
        var rows = new List<long>();
        var cols = new List<long>();
        var pixels = new List<float>();
        for (var i = 0; i < count; i++)
        {
            local[i] = random.Next(config.LocalPositions);
            if (random.NextDouble() < patchFraction)
            {
                ids[i] = TokenBatchInputs.PatchId;
                rows.Add(random.Next(config.PatchBuckets));
                cols.Add(random.Next(config.PatchBuckets));
                for (var p = 0; p < TokenBatchInputs.PatchPixels; p++) pixels.Add((float)(random.NextDouble() - 0.5) / 2);
            }
            else ids[i] = random.Next(config.VocabSize);
        }
        return new TokenBatchInputs(ids, local, pixels.ToArray(), rows.ToArray(), cols.ToArray());
    }

    /// <summary>Tokens [from, from + count) of <paramref name="tokens"/>, with their patches.</summary>
    public static TokenBatchInputs Slice(TokenBatchInputs tokens, int from, int count)
    {
        var before = tokens.Ids.Take(from).Count(id => id == TokenBatchInputs.PatchId);
        var inside = tokens.Ids.Skip(from).Take(count).Count(id => id == TokenBatchInputs.PatchId);
        return new TokenBatchInputs(
            tokens.Ids[from..(from + count)], tokens.LocalPositions[from..(from + count)],
            tokens.Patches[(before * TokenBatchInputs.PatchPixels)..((before + inside) * TokenBatchInputs.PatchPixels)],
            tokens.PatchRows[before..(before + inside)], tokens.PatchCols[before..(before + inside)]);
    }

    /// <summary>The sequences one after another (patches in the same order).</summary>
    public static TokenBatchInputs Concat(params TokenBatchInputs[] parts) => new(
        parts.SelectMany(p => p.Ids).ToArray(), parts.SelectMany(p => p.LocalPositions).ToArray(),
        parts.SelectMany(p => p.Patches).ToArray(), parts.SelectMany(p => p.PatchRows).ToArray(),
        parts.SelectMany(p => p.PatchCols).ToArray());
}
