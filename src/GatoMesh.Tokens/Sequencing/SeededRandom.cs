namespace GatoMesh.Tokens;

/// <summary>
/// SplitMix64: a small generator whose stream is fixed by its seed on every platform and .NET
/// version (System.Random promises neither), so sequences and sampled patch positions are
/// reproducible from a seed.
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    ulong state = seed;

    public ulong NextUInt64()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in <c>[0, maxExclusive)</c> (Lemire's multiply-shift; the bias is below
    /// 2^-32 for the sizes used here).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        return (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);
    }

    /// <summary>Uniform in <c>[0, 1)</c> with 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A generator for item <paramref name="index"/> of a stream seeded with
    /// <paramref name="seed"/>, independent of how many items were drawn before it.</summary>
    public static SeededRandom For(ulong seed, long index) =>
        new(new SeededRandom(seed ^ (0xD1B54A32D192ED03UL * (ulong)(index + 1))).NextUInt64());
}
