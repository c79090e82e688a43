using System.Diagnostics;
using System.Globalization;
using GatoMesh.Eval;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary>What a training run leaves for people to look at, written from the last checkpoint's trainer.json:
/// <c>loss.png</c> and the HTML report (<c>report.html</c>) in the run folder, and where the run came from.</summary>
internal static class TrainingOutputs
{
    public const string LossCurveFile = "loss.png";

    /// <summary>Writes both files and returns their paths.</summary>
    public static (string LossCurve, string Report) Write(string run, string checkpoint, double tokensPerSecond)
    {
        var history = Trainer.LossesOf(checkpoint) ?? new LossHistory([], new Dictionary<string, IReadOnlyList<double?>>());
        var lossCurve = Path.Combine(run, LossCurveFile);
        LossCurvePng.Write(lossCurve, history);
        var report = HtmlReport.Write(Path.Combine(run, HtmlReport.FileName), new ReportContent($"Training run {run}", Facts(checkpoint, tokensPerSecond), history, null));
        return (lossCurve, report);
    }

    /// <summary>The checkpoint's model, step and provenance as report facts.</summary>
    public static List<(string, string)> Facts(string checkpoint, double? tokensPerSecond)
    {
        var config = Checkpoint.ReadConfig(checkpoint);
        var facts = new List<(string, string)> { ("model", $"{config.Preset} ({config.Layers} x {config.Width})"), ("checkpoint", checkpoint) };
        if (Trainer.ProvenanceOf(checkpoint) is { } p)
        {
            facts.Add(("step", p.Step.ToString(CultureInfo.InvariantCulture)));
            facts.Add(("seed", p.Seed.ToString(CultureInfo.InvariantCulture)));
            if (p.DataSeed is { } data) facts.Add(("data seed", data.ToString(CultureInfo.InvariantCulture)));
            if (p.Provenance is { } run)
            {
                facts.Add(("command", run.Command));
                facts.Add(("commit", run.Commit ?? "(not a git checkout)"));
            }
        }
        if (tokensPerSecond is { } rate) facts.Add(("tokens/s", rate.ToString("F0", CultureInfo.InvariantCulture)));
        facts.Add(("machine", $"{Environment.ProcessorCount} cores, {Environment.OSVersion}"));
        return facts;
    }

    /// <summary>This invocation's command line and the commit of the checkout the CLI was built from.</summary>
    public static RunProvenance Provenance() =>
        new("gatomesh " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1).Select(Quote)), Commit());

    static string Quote(string argument) => argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_=.,/:+".Contains(c)) ? argument : $"'{argument}'";

    /// <summary><c>git rev-parse HEAD</c> of the checkout holding the CLI ("-dirty" when it has uncommitted changes), or null.</summary>
    static string? Commit()
    {
        var head = Git("rev-parse HEAD");
        if (head is null) return null;
        return Git("status --porcelain --untracked-files=no") is { Length: > 0 } ? head + "-dirty" : head;
    }

    static string? Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", $"-C \"{AppContext.BaseDirectory}\" {arguments}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (git is null) return null;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
