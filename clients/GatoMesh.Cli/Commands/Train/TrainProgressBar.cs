using System.Globalization;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary>Training progress on stderr: one bar redrawn with \r on a terminal (step, loss,
/// tokens/s, ETA); otherwise a plain line at the first step and each twentieth of the run, so logs
/// stay short.</summary>
internal sealed class TrainProgressBar
{
    const int BarWidth = 24;
    readonly bool terminal = !Console.IsErrorRedirected;
    long lastTwentieth = -1;
    bool drawn;

    public void Report(TrainerProgress p)
    {
        var fraction = (double)p.Step / p.Steps;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.Steps}  loss {p.Loss:F4}  lr {p.LearningRate:0.###e0}  {p.TokensPerSecond:F0} tok/s  ETA {Eta(p.Remaining)}");
        if (terminal)
        {
            var filled = (int)(fraction * BarWidth);
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {line}   ");
            drawn = true;
            return;
        }
        var twentieth = (long)(fraction * 20);
        if (twentieth == lastTwentieth) return;
        lastTwentieth = twentieth;
        Console.Error.WriteLine(line);
    }

    public void Finish()
    {
        if (drawn) Console.Error.WriteLine();
    }

    static string Eta(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}
