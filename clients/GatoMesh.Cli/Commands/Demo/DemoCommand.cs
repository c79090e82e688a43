using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Eval;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh demo [--minutes 5] [--agents 256] [--fresh] [--json]</c>, the README's first command:
/// expert data, gato-small trained for a few minutes (or the checkpoint an earlier demo left in the
/// state folder), an embedded silo serving it, and a fleet of concurrent agents (one episode session
/// each) across every task; then the normalized scores and the serving latency (docs/EVAL.md, "Demo").
/// </summary>
internal static class DemoCommand
{
    public const string StateVariable = "GATOMESH_STATE_DIR";

    public static Command Create()
    {
        var minutes = new Option<double>("--minutes") { Description = "training budget in minutes (wall clock)", DefaultValueFactory = _ => 5 };
        var agents = new Option<int>("--agents") { Description = "concurrent agents (episode sessions) in the fleet", DefaultValueFactory = _ => 256 };
        var fresh = new Option<bool>("--fresh") { Description = "train anew instead of reusing the checkpoint of an earlier demo" };
        var state = new Option<DirectoryInfo?>("--state-dir") { Description = $"where data and checkpoints stay between runs (default: ${StateVariable}/demo, else ~/.gatomesh/demo)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("demo", "generate data, train gato-small briefly (or reuse the last demo's checkpoint), serve it and run a fleet of agents on every task")
        {
            minutes, agents, fresh, state, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var budget = parse.GetValue(minutes);
            if (!(budget > 0) || double.IsInfinity(budget)) throw new InvalidEvaluationOptionException("--minutes", budget, "must be a positive number of minutes");
            var fleet = parse.GetValue(agents);
            if (fleet < 1) throw new InvalidEvaluationOptionException("--agents", fleet, "must be at least 1");
            var root = parse.GetValue(state)?.FullName ?? DefaultStateDirectory();
            var data = Path.Combine(root, "data");
            var run = Path.Combine(root, "run");
            if (parse.GetValue(fresh) && Directory.Exists(run)) Directory.Delete(run, recursive: true);

            var clock = Stopwatch.StartNew();
            Console.Error.WriteLine($"demo state in {root}");
            // Data (and the model trained on it) from an older recipe or an older environment: start both again.
            var outdated = DatasetManifest.TryLoad(data) is { } earlier
                           && (earlier.ExpertNoise != DemoRecipe.ExpertNoise || NoiseLabelsNames.Parse(earlier.NoiseLabels) != DemoRecipe.Labels)
                ? $"was generated with expert noise {earlier.ExpertNoise} ({NoiseLabelsNames.Parse(earlier.NoiseLabels).Name()} labels); the recipe uses {DemoRecipe.ExpertNoise} ({DemoRecipe.Labels.Name()})"
                : DatasetGenerator.StaleTasks(data) is [_, ..] stale
                    ? $"holds {string.Join(", ", stale)} episodes recorded with an older observation spec"
                    : null;
            if (outdated is not null)
            {
                Console.Error.WriteLine($"the data in {data} {outdated}: regenerating it and retraining");
                Directory.Delete(data, recursive: true);
                if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
            }
            var generation = new ProgressLine();
            new DatasetGenerator(new GenerationOptions
            {
                Tasks = [.. TaskCatalog.All.Select(t => t.Name), CaptionedScenes.Task],
                Episodes = DemoRecipe.DataEpisodes,
                ExpertNoise = DemoRecipe.ExpertNoise,
                NoiseLabels = DemoRecipe.Labels,
                OutputDirectory = data,
            }, generation.Report).Run();
            generation.Finish();

            var training = Trainer.LatestCheckpoint(run) is { } cached
                ? Reused(cached)
                : Train(data, run, TimeSpan.FromMinutes(budget), cancellation);

            var checkpoint = ServedCheckpoint.Open(run);
            var tasks = TaskCatalog.All;
            var options = new EvaluationOptions
            {
                Tasks = tasks,
                // One episode per agent, spread evenly over the tasks: the whole fleet starts at once.
                Episodes = (fleet + tasks.Count - 1) / tasks.Count,
                Concurrency = fleet,
            };
            Console.Error.WriteLine($"serving {checkpoint.Config.Preset} (step {training["steps"]}) to {options.Episodes * tasks.Count} agents across {tasks.Count} tasks");
            EvaluationReport report;
            await using (var silo = await EvaluationSilo.StartAsync(checkpoint, fleet, "demo", cancellation: cancellation))
            await using (var agents = await SessionAgents.ConnectAsync(silo.SessionsEndpoint, silo.ApiKey, cancellation: cancellation))
            {
                var progress = new EvaluationProgressLine();
                try
                {
                    report = await Evaluator.RunAsync(options, agents, ReferenceReturns.FromData(data, tasks.Select(t => t.Name)), progress, cancellation) with { Decoding = agents.Decoding };
                }
                finally
                {
                    progress.Finish();
                }
            }
            if (parse.GetValue(json))
            {
                var result = report.ToJson();
                result["training"] = training;
                result["checkpoint"] = checkpoint.Directory;
                result["total_seconds"] = clock.Elapsed.TotalSeconds;
                Console.WriteLine(result.ToJsonString(ReadableJson.Options));
            }
            else
            {
                Console.WriteLine(training["reused"]!.GetValue<bool>()
                    ? $"model: {checkpoint.Directory} (reused; --fresh trains anew)"
                    : $"model: {checkpoint.Directory} ({training["steps"]} steps in {training["seconds"]!.GetValue<double>() / 60:F1} min, {training["tokens_per_s"]!.GetValue<double>():F0} tokens/s)");
                Console.WriteLine();
                Console.WriteLine(report.ToTable());
            }
            return 0;
        });
        return command;
    }

    /// <summary>The demo's folder inside the CLI's state folder (shared with <c>cluster up</c>, hence its own subfolder).</summary>
    static string DefaultStateDirectory() =>
        Path.Combine(Environment.GetEnvironmentVariable(StateVariable) is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".gatomesh"), "demo");

    static JsonObject Reused(string checkpoint)
    {
        Console.Error.WriteLine($"reusing {checkpoint} (--fresh trains anew)");
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "trainer.json")))!;
        return new JsonObject { ["reused"] = true, ["steps"] = state["step"]!.GetValue<long>() };
    }

    /// <summary>
    /// Trains for the budget: the first steps measure this machine's speed, the run is then sized to
    /// the budget (so the cosine decay ends with it) and continues from them by exact resume; a slower
    /// machine than measured is stopped at the budget with a checkpoint.
    /// </summary>
    static JsonObject Train(string data, string run, TimeSpan budget, CancellationToken cancellation)
    {
        var threads = Torch.Torch.Threads;
        Torch.Torch.Threads = DemoRecipe.Threads;
        try
        {
            return TrainWithThreads(data, run, budget, cancellation);
        }
        finally
        {
            Torch.Torch.Threads = threads;
        }
    }

    const long ProbeSteps = 3;

    static JsonObject TrainWithThreads(string data, string run, TimeSpan budget, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var bar = new TrainProgressBar();
        double seconds;
        using (var probe = Trainer.Open(DemoRecipe.Options(data, run, long.MaxValue / 2)))
        {
            Console.Error.WriteLine($"training gato-small for {budget.TotalMinutes:F1} min; measuring the speed of the first {ProbeSteps} steps");
            var started = Stopwatch.StartNew();
            probe.Run(ProbeSteps, cancel: cancellation);
            seconds = started.Elapsed.TotalSeconds / ProbeSteps;
        }
        var steps = Math.Max(ProbeSteps + 1, (long)((budget - clock.Elapsed).TotalSeconds / seconds));
        using var trainer = Trainer.Open(DemoRecipe.Options(data, run, steps));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(budget - clock.Elapsed > TimeSpan.Zero ? budget - clock.Elapsed : TimeSpan.Zero);
        TrainerReport report;
        try
        {
            report = trainer.Run(progress: bar.Report, cancel: deadline.Token);
        }
        finally
        {
            bar.Finish();
        }
        return new JsonObject
        {
            ["reused"] = false,
            ["steps"] = report.Steps,
            ["planned_steps"] = steps,
            ["final_loss"] = report.FinalLoss,
            ["tokens_per_s"] = report.Steps * (double)DemoRecipe.BatchSize * DemoRecipe.SequenceLength / clock.Elapsed.TotalSeconds,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
    }
}
