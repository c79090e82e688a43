namespace GatoMesh.Eval;

/// <summary>
/// How the report and the loss-curve PNG smooth a training loss: an exponential moving average whose span is a
/// fiftieth of the run (at least 5, at most 200 steps), with the start-up bias divided out (as Adam's moments are),
/// so the first points are means of what was seen rather than pulled toward 0. Per-batch losses swing with which
/// tasks a batch drew; the average shows the trend. Steps without a value (a task absent from a batch) are skipped.
/// </summary>
public static class LossSmoothing
{
    public static int Span(int steps) => Math.Clamp(steps / 50, 5, 200);

    /// <summary>(step, smoothed loss) at every step with a finite value.</summary>
    public static IReadOnlyList<(int Step, double Loss)> Smooth(IReadOnlyList<double?> losses)
    {
        var decay = 1 - 2.0 / (Span(losses.Count) + 1);
        var points = new List<(int, double)>();
        double average = 0, weight = 0;
        for (var i = 0; i < losses.Count; i++)
        {
            if (losses[i] is not { } loss || !double.IsFinite(loss)) continue;
            average = decay * average + (1 - decay) * loss;
            weight = decay * weight + (1 - decay);
            points.Add((i, average / weight));
        }
        return points;
    }

    public static IReadOnlyList<(int Step, double Loss)> Smooth(IReadOnlyList<double> losses) => Smooth(losses.Select(l => (double?)l).ToList());
}
