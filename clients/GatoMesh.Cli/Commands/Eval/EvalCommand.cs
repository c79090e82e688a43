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
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("eval", "run episodes of the tasks as sessions through the serving path and print normalized scores and step latency")
        {
            checkpoint, tasks, episodes, concurrency, silo, apiKey, data, seed, temperature, continuousAsTokens, json,
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
            EvaluationReport report;
            if (gateway is not null)
            {
                var key = FleetCommand.ApiKey(parse.GetValue(apiKey));
                await using var agents = await SessionAgents.ConnectAsync(GatewayAddress.Parse(gateway).Sessions, key, t, parse.GetValue(continuousAsTokens), cancellation);
                report = await Run(options, agents, references, cancellation);
            }
            else
            {
                var target = ServedCheckpoint.Open((served ?? throw new InvalidEvaluationOptionException("--checkpoint", null, "name a checkpoint to serve, or a cluster with --silo")).FullName);
                Console.Error.WriteLine($"serving {target.Config.Preset} from {target.Directory} (window {target.Window} tokens{(target.History is { } k ? $", {k} timesteps" : "")}) in an embedded silo");
                await using var host = await EvaluationSilo.StartAsync(target, options.Concurrency, cancellation: cancellation);
                await using var agents = await SessionAgents.ConnectAsync(host.SessionsEndpoint, host.ApiKey, t, parse.GetValue(continuousAsTokens), cancellation);
                report = await Run(options, agents, references, cancellation);
            }
            Console.WriteLine(parse.GetValue(json) ? report.ToJson().ToJsonString(ReadableJson.Options) : report.ToTable());
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
