namespace GatoMesh.Tokens;

/// <summary>
/// Patch position encodings (paper section 2.2, appendix C.3): patch i of n along an axis covers the
/// normalized interval <c>[i/n, (i+1)/n)</c>, quantized into 128 buckets as
/// <c>[floor(128 i / n), floor(128 (i+1) / n))</c> (at least one bucket wide). Training samples a
/// bucket uniformly inside the interval; evaluation takes its middle, <c>low + (high - low) / 2</c>.
/// </summary>
public sealed class PatchPositions
{
    /// <summary>Buckets of the learned row and column tables.</summary>
    public const int Buckets = 128;

    readonly SeededRandom? random;

    PatchPositions(SeededRandom? random) => this.random = random;

    /// <summary>Middle of every interval: deterministic, for inference and evaluation.</summary>
    public static PatchPositions Evaluation { get; } = new(null);

    /// <summary>Uniform inside every interval, drawn from <paramref name="random"/>.</summary>
    public static PatchPositions Training(SeededRandom random) => new(random);

    public bool IsTraining => random is not null;

    /// <summary>The bucket interval <c>[Low, High)</c> of patch <paramref name="index"/> of
    /// <paramref name="count"/>.</summary>
    public static (int Low, int High) Interval(int index, int count)
    {
        var low = (int)((long)Buckets * index / count);
        var high = (int)((long)Buckets * (index + 1) / count);
        return (low, Math.Max(high, low + 1));
    }

    /// <summary>The bucket for patch <paramref name="index"/> of <paramref name="count"/>.</summary>
    public int Pick(int index, int count)
    {
        var (low, high) = Interval(index, count);
        return random is null ? low + (high - low) / 2 : low + random.NextInt(high - low);
    }
}
