using GatoMesh.Tokens;

namespace GatoMesh.Model.Engine;

/// <summary>
/// Picks one action token from the logits of its valid id range [lo, hi) (paper section 2.1:
/// actions are decoded token by token, restricted to the action's range); a continuous token is the
/// bin of the distribution's expected value unless <see cref="SamplingParams.ContinuousAsTokens"/>
/// (docs/ENGINE.md, "Sampling"). Managed code: the slice
/// is small (at most 1024 ids for an action), and a counter-based generator makes every draw a pure
/// function of (seed, timestep, action index) — the property eviction-and-recompute relies on.
/// </summary>
internal static class ActionSampler
{
    public static long Sample(ReadOnlySpan<float> logits, TokenRange range, SamplingParams sampling, long timestep, int actionIndex)
    {
        var lo = range.Lo;
        if (range.Continuous && !sampling.ContinuousAsTokens) return lo + ExpectedBin(logits);
        if (sampling.Temperature <= 0) return lo + ArgMax(logits);
        var max = logits[ArgMax(logits)];
        double total = 0;
        for (var i = 0; i < logits.Length; i++) total += Math.Exp((logits[i] - max) / sampling.Temperature);
        var u = Uniform(sampling.Seed, timestep, actionIndex) * total;
        double cumulative = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            cumulative += Math.Exp((logits[i] - max) / sampling.Temperature);
            if (u < cumulative) return lo + i;
        }
        return lo + logits.Length - 1; // u rounded up to the total
    }

    private static readonly double[] BinValues = [.. Enumerable.Range(0, TokenSpace.BinCount).Select(MuLaw.Decode)];

    /// <summary>The bin of <c>E[value]</c> under softmax(logits) over the 1024 continuous bins, each bin
    /// standing for its decoded value (<see cref="MuLaw.Decode"/>). The mean, not the most likely bin: bins
    /// are ordered values, and a model unsure between neighbours spreads its mass over many of them, so the
    /// argmax is a noisy pick among near-equals while the mean is the least-squares estimate of the action.</summary>
    internal static int ExpectedBin(ReadOnlySpan<float> logits)
    {
        var max = logits[ArgMax(logits)];
        double total = 0, weighted = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var p = Math.Exp(logits[i] - max);
            total += p;
            weighted += p * BinValues[i];
        }
        return MuLaw.Bin(weighted / total);
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>A uniform double in [0, 1) from SplitMix64 over the three counters.</summary>
    internal static double Uniform(ulong seed, long timestep, int actionIndex)
    {
        var x = Mix(Mix(seed ^ 0x9E3779B97F4A7C15UL) ^ (ulong)timestep);
        x = Mix(x ^ (ulong)actionIndex);
        return (x >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
