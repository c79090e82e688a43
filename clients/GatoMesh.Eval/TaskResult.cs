using GatoMesh.Envs;

namespace GatoMesh.Eval;

/// <summary>
/// A task's result: the mean return over its episodes (the paper's score) and that score normalized
/// by the paper's rule against the task's reference returns (GATO.md, "Evaluation"): 0 is the random
/// policy, 1 the expert.
/// </summary>
public sealed record TaskResult(string Task, int Episodes, double Score, double Normalized, double ExpertReturn, double RandomReturn,
    IReadOnlyList<double> Returns)
{
    /// <summary>The share of episodes counted as at the expert's level (<see cref="ExpertLevelShare"/>): the paper's
    /// data filter keeps an episode at 80% of the expert's return; here the bar is on the normalized scale.</summary>
    public const double ExpertLevel = 0.8;

    /// <summary>The standard error of <see cref="Normalized"/>: the returns' sample standard deviation over the
    /// square root of their count, on the normalized scale. NaN with fewer than two episodes. How far two
    /// evaluations may differ by chance alone: a grid-world episode scores 0 or about 0.9, so 50 of them leave
    /// about 8 points.</summary>
    public double NormalizedStandardError
    {
        get
        {
            var n = Returns.Count;
            if (n < 2) return double.NaN;
            var mean = Returns.Average();
            var variance = Returns.Sum(r => (r - mean) * (r - mean)) / (n - 1);
            return Math.Sqrt(variance / n) / Math.Abs(ExpertReturn - RandomReturn);
        }
    }

    /// <summary>The share of episodes whose own normalized return is at least <see cref="ExpertLevel"/>: with the
    /// mean it tells a policy that solves most episodes and fails some from one that half-solves all of them.</summary>
    public double ExpertLevelShare =>
        Returns.Count == 0 ? double.NaN : (double)Returns.Count(r => PaperScore.Normalize(r, RandomReturn, ExpertReturn) >= ExpertLevel) / Returns.Count;
}
