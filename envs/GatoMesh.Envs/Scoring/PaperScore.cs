namespace GatoMesh.Envs;

/// <summary>
/// The paper's scoring rule (GATO.md, "Evaluation"): a task's expert return is the best windowed
/// mean of the collected expert episodes' returns with window <c>W = min(1000, 0.1 N)</c> (at
/// least 1); the random return is the mean return of the random policy; a score is normalized as
/// <c>(score - random) / (expert - random)</c>, 0 for random and 1 for expert.
/// </summary>
public static class PaperScore
{
    public static int Window(int episodes) => Math.Max(1, Math.Min(1000, episodes / 10));

    /// <summary>The best mean over <see cref="Window"/> consecutive returns, in collection order.</summary>
    public static double ExpertReturn(IReadOnlyList<double> returns)
    {
        if (returns.Count == 0)
            throw new ArgumentException("needs at least one episode", nameof(returns));
        var window = Window(returns.Count);
        var sum = 0.0;
        for (var i = 0; i < window; i++)
            sum += returns[i];
        var best = sum;
        for (var i = window; i < returns.Count; i++)
        {
            sum += returns[i] - returns[i - window];
            best = Math.Max(best, sum);
        }
        return best / window;
    }

    public static double RandomReturn(IReadOnlyList<double> returns) =>
        returns.Count > 0 ? returns.Average() : throw new ArgumentException("needs at least one episode", nameof(returns));

    public static double Normalize(double score, double random, double expert) =>
        expert != random
            ? (score - random) / (expert - random)
            : throw new ArgumentException($"expert return {expert} equals random return {random}: the task cannot tell them apart");
}
