using System.CommandLine;
using GatoMesh.Envs;
using GatoMesh.Eval;
using GatoMesh.Runtime;
using GatoMesh.Runtime.Client;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh eval --checkpoint DIR --tasks a,b --episodes 50 [--concurrency N] [--silo ADDRESS] [--json]</c>:
/// every episode runs as an episode session through the serving path, an embedded silo serving the
/// checkpoint or a running cluster's gateway, and the tasks are scored by the paper's normalization
/// (docs/EVAL.md).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<DirectoryInfo?>("--checkpoint") { Description = "checkpoint folder, or a training run folder (its latest checkpoint); served by an embedded silo" };
        var tasks = new Option<string>("--tasks") { Description = "tasks to evaluate, comma-separated", DefaultValueFactory = _ => string.Join(",", TaskCatalog.All.Select(t => t.Name)) };
        var episodes = new Option<int>("--episodes") { Description = "episodes per task", DefaultValueFactory = _ => 50 };
        var concurrency = new Option<int>("--concurrency") { Description = "episodes (sessions) in flight at once", DefaultValueFactory = _ => 256 };
        var silo = new Option<string?>("--silo") { Description = "gateway host:port of a running cluster to evaluate what it serves, instead of an embedded silo" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "take expert and random returns from this data folder's manifest (default: measure them)" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the first evaluated episode", DefaultValueFactory = _ => EvaluationOptions.DefaultFirstSeed };
        var temperature = new Option<float>("--temperature") { Description = "temperature of discrete action tokens, 0 = greedy (docs/EVAL.md)", DefaultValueFactory = _ => SessionAgents.DefaultTemperature };
        var continuousAsTokens = new Option<bool>("--continuous-as-tokens") { Description = "decode continuous actions like discrete ones (most likely bin, or a draw) instead of the expected value" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("eval", "run episodes of the tasks as sessions through the serving path and print normalized scores and step latency")
        {
            checkpoint, tasks, episodes, concurrency, silo, data, seed, temperature, continuousAsTokens, json,
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
            SessionAgents agents(IGrainFactory grains) => new(grains, SessionAgents.DefaultFleet, t, parse.GetValue(continuousAsTokens));
            EvaluationReport report;
            if (gateway is not null)
            {
                await using var client = new ClusterClient(new ClientOptions { Gateways = [gateway], CallTimeout = TimeSpan.FromMinutes(5) });
                report = await Run(options, agents(client), references, cancellation);
            }
            else
            {
                var target = ServedCheckpoint.Open((served ?? throw new InvalidEvaluationOptionException("--checkpoint", null, "name a checkpoint to serve, or a cluster with --silo")).FullName);
                Console.Error.WriteLine($"serving {target.Config.Preset} from {target.Directory} (window {target.Window} tokens{(target.History is { } k ? $", {k} timesteps" : "")}) in an embedded silo");
                await using var host = await EvaluationSilo.StartAsync(target, options.Concurrency, cancellation: cancellation);
                report = await Run(options, agents(host.GrainFactory), references, cancellation);
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
