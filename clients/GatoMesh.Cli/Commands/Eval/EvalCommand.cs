using System.CommandLine;
using GatoMesh.Envs;
using GatoMesh.Eval;
using GatoMesh.Fleet;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh eval --checkpoint DIR --tasks a,b --episodes 50 [--concurrency N] [--silo ADDRESS --api-key K] [--json]</c>:
/// every episode runs as an episode session through the user's path (the client SDK, a gateway, the
/// session grains), of an embedded silo serving the checkpoint or of a running cluster, and the tasks are
/// scored by the paper's normalization (docs/EVAL.md).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<DirectoryInfo?>("--checkpoint") { Description = "checkpoint folder, or a training run folder (its latest checkpoint); served by an embedded silo" };
        var tasks = new Option<string>("--tasks") { Description = "tasks to evaluate, comma-separated", DefaultValueFactory = _ => string.Join(",", TaskCatalog.All.Select(t => t.Name)) };
        var episodes = new Option<int>("--episodes") { Description = "episodes per task", DefaultValueFactory = _ => 50 };
        var concurrency = new Option<int>("--concurrency") { Description = "episodes (sessions) in flight at once", DefaultValueFactory = _ => 256 };
        var silo = new Option<string?>("--silo") { Description = "a running cluster's gateway (ws://host:port[/path] or host:port) to evaluate what it serves, instead of an embedded silo" };
        var apiKey = new Option<string?>("--api-key") { Description = $"with --silo: the fleet's API key (default: ${FleetCommand.ApiKeyVariable})" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "take expert and random returns from this data folder's manifest (default: measure them)" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the first evaluated episode", DefaultValueFactory = _ => EvaluationOptions.DefaultFirstSeed };
        var temperature = new Option<float>("--temperature") { Description = "temperature of discrete action tokens, 0 = greedy (docs/EVAL.md)", DefaultValueFactory = _ => SessionAgents.DefaultTemperature };
        var continuousAsTokens = new Option<bool>("--continuous-as-tokens") { Description = "decode continuous actions like discrete ones (most likely bin, or a draw) instead of the expected value" };
        var prompt = new Option<bool>("--prompt") { Description = "open every session with a demonstration prompt: an expert episode's last timesteps, at most a quarter of the window (docs/EVAL.md)" };
        var report = new Option<FileInfo?>("--report") { Description = "where to write the HTML report (default: the run folder's report.html, else ~/.gatomesh/reports/)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("eval", "run episodes of the tasks as sessions through the serving path and print normalized scores and step latency")
        {
            checkpoint, tasks, episodes, concurrency, silo, apiKey, data, seed, temperature, continuousAsTokens, prompt, report, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new EvaluationOptions
            {
                Tasks = ParseTasks(parse.GetValue(tasks)!),
                Episodes = parse.GetValue(episodes),
                Concurrency = parse.GetValue(concurrency),
                FirstSeed = parse.GetValue(seed),
            }.Validate();
            var t = parse.GetValue(temperature);
            if (!float.IsFinite(t) || t < 0) throw new InvalidEvaluationOptionException("--temperature", t, "must be finite and non-negative");
            var gateway = parse.GetValue(silo);
            var served = parse.GetValue(checkpoint);
            if (gateway is not null && served is not null)
                throw new InvalidEvaluationOptionException("--checkpoint", served.FullName, "evaluates an embedded silo; with --silo the cluster's deployed model is evaluated (deploy it first)");
            var references = References(parse.GetValue(data), options.Tasks);
            EvaluationReport result;
            ServedCheckpoint? target = null;
            if (gateway is not null)
            {
                if (parse.GetValue(prompt)) throw new InvalidEvaluationOptionException("--prompt", true, "needs the served window; evaluate a --checkpoint");
                var key = FleetCommand.ApiKey(parse.GetValue(apiKey));
                await using var agents = await SessionAgents.ConnectAsync(GatewayAddress.Parse(gateway).Sessions, key, t, parse.GetValue(continuousAsTokens), cancellation);
                result = await Run(options, agents, references, cancellation);
            }
            else
            {
                target = ServedCheckpoint.Open((served ?? throw new InvalidEvaluationOptionException("--checkpoint", null, "name a checkpoint to serve, or a cluster with --silo")).FullName);
                // The paper's training prompts take at most a quarter of the sequence; a session's prompt the same share of its window.
                if (parse.GetValue(prompt)) options = options with { PromptTokens = target.Window / 4 };
                Console.Error.WriteLine($"serving {target.Config.Preset} from {target.Directory} (window {target.Window} tokens{(target.History is { } k ? $", {k} timesteps" : "")}) in an embedded silo");
                await using var host = await EvaluationSilo.StartAsync(target, options.Concurrency, cancellation: cancellation);
                await using var agents = await SessionAgents.ConnectAsync(host.SessionsEndpoint, host.ApiKey, t, parse.GetValue(continuousAsTokens), cancellation);
                result = await Run(options, agents, references, cancellation);
            }
            var path = parse.GetValue(report)?.FullName ?? DefaultReportPath(served?.FullName);
            var facts = target is null ? [("cluster", gateway!)] : TrainingOutputs.Facts(target.Directory, null);
            var written = HtmlReport.Write(path, new ReportContent($"Evaluation of {(target is null ? gateway : target.Config.Preset)}", facts,
                target is null ? null : Model.Trainer.LossesOf(target.Directory), result));
            if (parse.GetValue(json))
            {
                var output = result.ToJson();
                output["report"] = written;
                Console.WriteLine(output.ToJsonString(ReadableJson.Options));
            }
            else
            {
                Console.WriteLine(result.ToTable());
                Console.WriteLine($"report {written}");
            }
            return 0;
        });
        return command;
    }

    static async Task<EvaluationReport> Run(EvaluationOptions options, SessionAgents agents, ReferenceReturns references, CancellationToken cancellation)
    {
        var progress = new EvaluationProgressLine();
        try
        {
            return await Evaluator.RunAsync(options, agents, references, progress, cancellation) with { Decoding = agents.Decoding };
        }
        finally
        {
            progress.Finish();
        }
    }

    /// <summary>A run folder's <c>report.html</c>, else a timestamped file under the CLI's state folder (a checkpoint folder
    /// may be the repository's shipped weights, which an evaluation should not write into).</summary>
    static string DefaultReportPath(string? served)
    {
        if (served is not null && File.Exists(Path.Combine(served, Model.Trainer.LatestFile)))
            return Path.Combine(served, HtmlReport.FileName);
        return Path.Combine(DemoCommand.StateRoot(), "reports", $"eval-{DateTime.UtcNow:yyyyMMdd-HHmmss}.html");
    }

    internal static IReadOnlyList<EnvironmentTask> ParseTasks(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(TaskCatalog.Get).ToList();

    internal static ReferenceReturns References(DirectoryInfo? data, IReadOnlyList<EnvironmentTask> tasks)
    {
        if (data is not null)
            return ReferenceReturns.FromData(data.FullName, tasks.Select(t => t.Name));
        Console.Error.WriteLine("measuring expert and random returns (pass --data to use a data folder's)");
        return ReferenceReturns.Measure(tasks);
    }
}
