using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using GatoMesh.Data;
using GatoMesh.Envs;
using GatoMesh.Eval;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh demo [--train [--minutes 5] [--fresh]] [--agents 256] [--json]</c>, the README's first command: an
/// embedded silo serves gato-small and a fleet of concurrent agents (one episode session each) plays every task;
/// then the normalized scores, the serving latency and the path of the HTML report. By default the model is the
/// shipped weights (<see cref="ShippedWeights"/>, trained with the documented recipe); <c>--train</c> (or a checkout
/// without them) generates expert data and trains first, in the time given (docs/EVAL.md, "Demo").
/// </summary>
internal static class DemoCommand
{
    public const string StateVariable = "GATOMESH_STATE_DIR";

    public static Command Create()
    {
        var train = new Option<bool>("--train") { Description = "generate data and train gato-small first (for --minutes) instead of serving the shipped weights" };
        var minutes = new Option<double>("--minutes") { Description = "with --train: the training budget in minutes (wall clock)", DefaultValueFactory = _ => 5 };
        var agents = new Option<int>("--agents") { Description = "concurrent agents (episode sessions) in the fleet", DefaultValueFactory = _ => 256 };
        var fresh = new Option<bool>("--fresh") { Description = "with --train: train anew instead of reusing the checkpoint of an earlier demo" };
        var weights = new Option<DirectoryInfo?>("--weights") { Description = $"the checkpoint to serve without --train (default: the shipped {ShippedWeights.Folder})" };
        var state = new Option<DirectoryInfo?>("--state-dir") { Description = $"where data, checkpoints and the report stay between runs (default: ${StateVariable}/demo, else ~/.gatomesh/demo)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("demo", "serve gato-small (the shipped weights, or trained first with --train) to a fleet of agents on every task; print scores, latency and the report's path")
        {
            train, minutes, agents, fresh, weights, state, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var budget = parse.GetValue(minutes);
            if (!(budget > 0) || double.IsInfinity(budget)) throw new InvalidEvaluationOptionException("--minutes", budget, "must be a positive number of minutes");
            var fleet = parse.GetValue(agents);
            if (fleet < 1) throw new InvalidEvaluationOptionException("--agents", fleet, "must be at least 1");
            var root = parse.GetValue(state)?.FullName ?? Path.Combine(StateRoot(), "demo");
            var clock = Stopwatch.StartNew();
            Console.Error.WriteLine($"demo state in {root}");
            var tasks = TaskCatalog.All;

            JsonObject training;
            string served;
            ReferenceReturns references;
            var shipped = parse.GetValue(weights)?.FullName ?? ShippedWeights.Find();
            if (!parse.GetValue(train) && shipped is null)
                Console.Error.WriteLine($"this checkout has no shipped weights ({ShippedWeights.Folder}; bench/training/shipped-weights.sh makes them): training first, as --train does");
            if (parse.GetValue(train) || shipped is null)
            {
                var data = Path.Combine(root, "data");
                var run = Path.Combine(root, "run");
                if (parse.GetValue(fresh) && Directory.Exists(run)) Directory.Delete(run, recursive: true);
                Generate(data, run);
                training = Trainer.LatestCheckpoint(run) is { } cached
                    ? Reused(cached)
                    : TrainOptionNames.Spelling(() => Train(data, run, budget, cancellation));
                served = run;
                references = ReferenceReturns.FromData(data, tasks.Select(t => t.Name));
            }
            else
            {
                served = shipped;
                training = new JsonObject { ["reused"] = true, ["shipped"] = served };
                Console.Error.WriteLine($"serving the shipped weights in {served} (`gatomesh demo --train` trains anew)");
                Console.Error.WriteLine("measuring the expert and random returns scores are normalized by");
                references = ReferenceReturns.Measure(tasks);
            }

            var checkpoint = ServedCheckpoint.Open(served);
            var options = new EvaluationOptions
            {
                Tasks = tasks,
                // One episode per agent, spread evenly over the tasks: the whole fleet starts at once.
                Episodes = (fleet + tasks.Count - 1) / tasks.Count,
                Concurrency = fleet,
            };
            Console.Error.WriteLine($"serving {checkpoint.Config.Preset} to {options.Episodes * tasks.Count} agents across {tasks.Count} tasks");
            EvaluationReport report;
            await using (var silo = await EvaluationSilo.StartAsync(checkpoint, fleet, "demo", cancellation: cancellation))
            await using (var agents = await SessionAgents.ConnectAsync(silo.SessionsEndpoint, silo.ApiKey, cancellation: cancellation))
            {
                var progress = new EvaluationProgressLine();
                try
                {
                    report = await Evaluator.RunAsync(options, agents, references, progress, cancellation) with { Decoding = agents.Decoding };
                }
                finally
                {
                    progress.Finish();
                }
            }
            var html = HtmlReport.Write(Path.Combine(root, HtmlReport.FileName), new ReportContent("GatoMesh demo: one gato-small serving every task",
                TrainingOutputs.Facts(checkpoint.Directory, null), Trainer.LossesOf(checkpoint.Directory), report));
            if (parse.GetValue(json))
            {
                var result = report.ToJson();
                result["training"] = training;
                result["checkpoint"] = checkpoint.Directory;
                result["report"] = html;
                result["total_seconds"] = clock.Elapsed.TotalSeconds;
                Console.WriteLine(result.ToJsonString(ReadableJson.Options));
            }
            else
            {
                Console.WriteLine(training["shipped"] is not null
                    ? $"model: {checkpoint.Directory} (shipped weights; --train trains anew)"
                    : training["reused"]!.GetValue<bool>()
                        ? $"model: {checkpoint.Directory} (reused; --fresh trains anew)"
                        : $"model: {checkpoint.Directory} ({training["steps"]} steps in {training["seconds"]!.GetValue<double>() / 60:F1} min, {training["tokens_per_s"]!.GetValue<double>():F0} tokens/s)");
                Console.WriteLine();
                Console.WriteLine(report.ToTable());
                Console.WriteLine($"report {html}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The CLI's state folder: <c>$GATOMESH_STATE_DIR</c>, else <c>~/.gatomesh</c> (shared with <c>cluster up</c>).</summary>
    public static string StateRoot() =>
        Environment.GetEnvironmentVariable(StateVariable) is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".gatomesh");

    /// <summary>The recipe's expert data (regenerated, with its run, when it was made with another noise or spec).</summary>
    static void Generate(string data, string run)
    {
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
    }

    static JsonObject Reused(string checkpoint)
    {
        Console.Error.WriteLine($"reusing {checkpoint} (--fresh trains anew)");
        return new JsonObject { ["reused"] = true, ["steps"] = Trainer.ProvenanceOf(checkpoint)?.Step };
    }

    /// <summary>Trains with the recipe for the budget: the trainer fits its step count to the machine's speed, so
    /// the cosine decay ends with the budget, and stops at the budget with a checkpoint if the machine slows down.</summary>
    static JsonObject Train(string data, string run, double minutes, CancellationToken cancellation)
    {
        var threads = Torch.Torch.Threads;
        Torch.Torch.Threads = DemoRecipe.Threads;
        var clock = Stopwatch.StartNew();
        try
        {
            using var trainer = Trainer.Open(DemoRecipe.Options(data, run) with { Minutes = minutes, Provenance = TrainingOutputs.Provenance() });
            Console.Error.WriteLine($"training gato-small for {minutes:0.#} min in {DemoRecipe.Precision.Name()} on {DemoRecipe.Threads} threads; the step count is fitted after the first {Trainer.FitSteps} steps");
            var bar = new TrainProgressBar();
            TrainerReport report;
            try
            {
                report = trainer.Run(progress: bar.Report, cancel: cancellation);
            }
            finally
            {
                bar.Finish();
            }
            TrainingOutputs.Write(run, report.Checkpoint, report.TokensPerSecond);
            return new JsonObject
            {
                ["reused"] = false,
                ["steps"] = report.Steps,
                ["planned_steps"] = trainer.Steps,
                ["final_loss"] = report.FinalLoss,
                ["tokens_per_s"] = report.TokensPerSecond,
                ["seconds"] = clock.Elapsed.TotalSeconds,
            };
        }
        finally
        {
            Torch.Torch.Threads = threads;
        }
    }
}
