namespace GatoMesh.Tokens;

/// <summary>
/// Tokens as parallel arrays, the form the model consumes directly (one timestep, or a training
/// sequence of many). Per token: <see cref="Ids"/> (-1 for an image patch slot),
/// <see cref="LocalPositions"/> and <see cref="LossMask"/>. Per patch, in the order of the -1 slots:
/// <see cref="PatchRows"/>, <see cref="PatchColumns"/> (buckets in [0, 128)) and
/// <see cref="PatchPixels"/>, a contiguous [patches, 3*16*16] block.
/// A training sequence may pack several independent windows (<see cref="SegmentStarts"/>): a token
/// attends only to tokens of its own segment.
/// A buffer is reused across timesteps (<see cref="Clear"/>) and grows only when a larger input
/// arrives, so encoding in a steady state allocates nothing.
/// </summary>
public sealed class TokenBuffer
{
    /// <summary>The id written in a token slot that an image patch fills.</summary>
    public const int PatchId = -1;

    int[] ids;
    int[] localPositions;
    bool[] lossMask;
    int[] patchRows;
    int[] patchColumns;
    float[] patchPixels;
    readonly List<int> segmentStarts = [];

    public TokenBuffer(int tokenCapacity = 64, int patchCapacity = 16)
    {
        ids = new int[Math.Max(1, tokenCapacity)];
        localPositions = new int[ids.Length];
        lossMask = new bool[ids.Length];
        patchRows = new int[Math.Max(1, patchCapacity)];
        patchColumns = new int[patchRows.Length];
        patchPixels = new float[patchRows.Length * ImagePatcher.PatchPixels];
    }

    public int Count { get; private set; }
    public int PatchCount { get; private set; }

    public ReadOnlySpan<int> Ids => ids.AsSpan(0, Count);
    public ReadOnlySpan<int> LocalPositions => localPositions.AsSpan(0, Count);
    public ReadOnlySpan<bool> LossMask => lossMask.AsSpan(0, Count);
    public ReadOnlySpan<int> PatchRows => patchRows.AsSpan(0, PatchCount);
    public ReadOnlySpan<int> PatchColumns => patchColumns.AsSpan(0, PatchCount);
    public ReadOnlySpan<float> PatchPixels => patchPixels.AsSpan(0, PatchCount * ImagePatcher.PatchPixels);

    /// <summary>Token indices (ascending, each in (0, Count)) where a new independent window begins; the
    /// first window starts at 0 and is not listed. Empty for one window, the usual case.</summary>
    public IReadOnlyList<int> SegmentStarts => segmentStarts;

    /// <summary>The segment of every token, 0 for the first window: what the model's attention mask needs.</summary>
    public int[] SegmentIds()
    {
        var segments = new int[Count];
        for (var s = 0; s < segmentStarts.Count; s++)
            segments.AsSpan(segmentStarts[s]).Fill(s + 1);
        return segments;
    }

    /// <summary>Starts a new independent window at the next token (no-op on an empty buffer).</summary>
    internal void StartSegment()
    {
        if (Count > 0 && (segmentStarts.Count == 0 || segmentStarts[^1] < Count))
            segmentStarts.Add(Count);
    }

    /// <summary>Forgets the contents, keeping the arrays.</summary>
    public void Clear()
    {
        Count = 0;
        PatchCount = 0;
        segmentStarts.Clear();
    }

    /// <summary>Drops tokens (and their patches) from <paramref name="count"/> on, e.g. to undo a
    /// partly written timestep that failed validation.</summary>
    public void Truncate(int count)
    {
        if (count < 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must lie in [0, {Count}]");
        for (var i = count; i < Count; i++)
            if (ids[i] == PatchId)
                PatchCount--;
        Count = count;
        segmentStarts.RemoveAll(start => start >= count);
    }

    internal void Add(int id, int localPosition, bool loss)
    {
        EnsureTokens(Count + 1);
        ids[Count] = id;
        localPositions[Count] = localPosition;
        lossMask[Count] = loss;
        Count++;
    }

    /// <summary>Adds a patch slot (loss 0) and returns the patch's pixels to fill.</summary>
    internal Span<float> AddPatch(int localPosition, int row, int column)
    {
        Add(PatchId, localPosition, loss: false);
        EnsurePatches(PatchCount + 1);
        patchRows[PatchCount] = row;
        patchColumns[PatchCount] = column;
        var pixels = patchPixels.AsSpan(PatchCount * ImagePatcher.PatchPixels, ImagePatcher.PatchPixels);
        PatchCount++;
        return pixels;
    }

    /// <summary>Sets the loss bit of tokens <c>[start, Count)</c> to false (prompt conditioning).</summary>
    internal void MaskFrom(int start) => lossMask.AsSpan(start, Count - start).Clear();

    /// <summary>Appends all of <paramref name="other"/>'s tokens and patches.</summary>
    public void Append(TokenBuffer other)
    {
        EnsureTokens(Count + other.Count);
        EnsurePatches(PatchCount + other.PatchCount);
        other.Ids.CopyTo(ids.AsSpan(Count));
        other.LocalPositions.CopyTo(localPositions.AsSpan(Count));
        other.LossMask.CopyTo(lossMask.AsSpan(Count));
        other.PatchRows.CopyTo(patchRows.AsSpan(PatchCount));
        other.PatchColumns.CopyTo(patchColumns.AsSpan(PatchCount));
        other.PatchPixels.CopyTo(patchPixels.AsSpan(PatchCount * ImagePatcher.PatchPixels));
        Count += other.Count;
        PatchCount += other.PatchCount;
    }

    void EnsureTokens(int needed)
    {
        if (needed <= ids.Length)
            return;
        var size = Math.Max(needed, ids.Length * 2);
        Array.Resize(ref ids, size);
        Array.Resize(ref localPositions, size);
        Array.Resize(ref lossMask, size);
    }

    void EnsurePatches(int needed)
    {
        if (needed <= patchRows.Length)
            return;
        var size = Math.Max(needed, patchRows.Length * 2);
        Array.Resize(ref patchRows, size);
        Array.Resize(ref patchColumns, size);
        Array.Resize(ref patchPixels, size * ImagePatcher.PatchPixels);
    }
}
