using GatoMesh.Envs;

namespace GatoMesh.Cli;

/// <summary>Generation progress on stderr: a redrawn bar on a terminal, otherwise a plain line at
/// each tenth of a phase, so logs stay readable.</summary>
internal sealed class ProgressLine
{
    const int BarWidth = 30;
    readonly bool terminal = !Console.IsErrorRedirected;
    string lastPhase = "";
    int lastTenth = -1;

    public void Report(GenerationProgress progress)
    {
        var phase = $"{progress.Task} {progress.Phase}";
        var fraction = progress.Total == 0 ? 1 : (double)progress.Done / progress.Total;
        if (terminal)
        {
            if (phase != lastPhase && lastPhase.Length > 0)
                Console.Error.WriteLine();
            var filled = (int)(fraction * BarWidth);
            Console.Error.Write($"\r{phase,-28} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {progress.Done}/{progress.Total}");
        }
        else
        {
            var tenth = (int)(fraction * 10);
            if (phase == lastPhase && tenth == lastTenth)
                return;
            lastTenth = tenth;
            Console.Error.WriteLine($"{phase}: {progress.Done}/{progress.Total}");
        }
        lastPhase = phase;
    }

    public void Finish()
    {
        if (terminal && lastPhase.Length > 0)
            Console.Error.WriteLine();
    }
}
