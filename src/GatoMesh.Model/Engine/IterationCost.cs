namespace GatoMesh.Model.Engine;

/// <summary>
/// An iteration's time as a line in its tokens, <c>seconds = fixed + perToken x tokens</c>, fitted by least
/// squares over recent iterations (each weighing 5% less per later one): the fixed part (embedding, per-op
/// calls, sampling, the answers) is not charged per token, so small iterations do not make the engine think
/// tokens are dear and shrink its batches further.
/// </summary>
internal sealed class IterationCost
{
    private const double Decay = 0.95;

    /// <summary>Prefill tokens an iteration takes however the fit reads: admissions always progress.</summary>
    public const int MinimumTokens = 32;

    private double weight, tokens, seconds, tokens2, product;

    public void Add(int n, double elapsed)
    {
        weight = Decay * weight + 1;
        tokens = Decay * tokens + n;
        seconds = Decay * seconds + elapsed;
        tokens2 = Decay * tokens2 + (double)n * n;
        product = Decay * product + n * elapsed;
    }

    /// <summary>The most tokens whose fitted time is within <paramref name="target"/>, in
    /// [<see cref="MinimumTokens"/>, <paramref name="most"/>]; <paramref name="most"/> until iterations of
    /// different sizes have been seen.</summary>
    public int TokensWithin(double target, int most)
    {
        var spread = tokens2 * weight - tokens * tokens;
        if (weight < 8 || spread <= 1e-9 * weight * weight) return most;
        var perToken = (product * weight - tokens * seconds) / spread;
        if (perToken <= 0) return most;
        var fixedPart = (seconds - perToken * tokens) / weight;
        return (int)Math.Clamp((target - Math.Max(0, fixedPart)) / perToken, MinimumTokens, most);
    }
}
