using GatoMesh.Eval;

namespace GatoMesh.Cli;

/// <summary>Evaluation progress on stderr: a redrawn line on a terminal, otherwise a line at each
/// tenth of the episodes.</summary>
internal sealed class EvaluationProgressLine : IProgress<EvaluationProgress>
{
    readonly bool terminal = !Console.IsErrorRedirected;
    readonly Lock gate = new();
    int lastTenth = -1;
    int lastDone;
    bool drawn;

    public void Report(EvaluationProgress p)
    {
        var line = $"episodes {p.EpisodesDone}/{p.Episodes}  steps {p.Steps}  {p.Steps / Math.Max(p.Elapsed.TotalSeconds, 1e-9):F0} steps/s  {p.Elapsed.TotalSeconds:F0} s";
        lock (gate)
        {
            // Episodes finish on many threads; a report overtaken by a later one is stale.
            if (p.EpisodesDone <= lastDone) return;
            lastDone = p.EpisodesDone;
            if (terminal)
            {
                Console.Error.Write($"\r{line}   ");
                drawn = true;
                return;
            }
            var tenth = p.EpisodesDone * 10 / Math.Max(1, p.Episodes);
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            Console.Error.WriteLine(line);
        }
    }

    public void Finish()
    {
        if (drawn) Console.Error.WriteLine();
    }
}
