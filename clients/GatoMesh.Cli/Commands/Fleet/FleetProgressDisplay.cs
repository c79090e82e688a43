using GatoMesh.Fleet;

namespace GatoMesh.Cli;

/// <summary>A fleet's live state on stderr: one line redrawn in place on a terminal, else a plain line
/// every few seconds so logs stay short.</summary>
internal sealed class FleetProgressDisplay
{
    static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    readonly bool terminal = !Console.IsErrorRedirected;
    TimeSpan? lastLogged;
    bool drawn;

    public void Report(FleetProgress progress)
    {
        var line = $"{progress.Elapsed.TotalSeconds,5:F1}/{progress.Duration.TotalSeconds:F0} s  agents {progress.Agents}  " +
                   $"steps {progress.Steps}  {progress.StepsPerSecond,8:F1} steps/s  p99 {progress.RecentP99Ms,7:F1} ms  errors {progress.Errors}";
        if (terminal)
        {
            Console.Error.Write($"\r{line}  ");
            drawn = true;
        }
        else if (lastLogged is not { } last || progress.Elapsed - last >= LogEvery)
        {
            Console.Error.WriteLine(line);
            lastLogged = progress.Elapsed;
        }
    }

    public void Finish()
    {
        if (drawn)
            Console.Error.WriteLine();
    }
}
