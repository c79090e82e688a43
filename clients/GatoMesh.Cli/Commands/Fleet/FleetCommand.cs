using System.CommandLine;
using GatoMesh.Fleet;
using GatoMesh.Grains.Serving;
using GatoMesh.Model;
using GatoMesh.Silo;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh fleet --agents N --task TASK --duration S [--steps-per-agent N] [--silo ADDRESS --api-key K | --preset P | --checkpoint DIR] [--json]</c>:
/// N simulated agents stepping a cluster through its gateway, or an embedded silo when no --silo is
/// given (docs/FLEET.md). Prints one JSON object with --json, a summary otherwise; the live display
/// goes to stderr.
/// </summary>
internal static class FleetCommand
{
    public const string ApiKeyVariable = "GATOMESH_API_KEY";

    /// <summary>The fleet the embedded silo's gateway admits.</summary>
    const string EmbeddedFleet = "embedded";

    /// <summary>The fleet's key for a cluster given by --silo: --api-key, else $GATOMESH_API_KEY.</summary>
    internal static string ApiKey(string? option) =>
        new[] { option, Environment.GetEnvironmentVariable(ApiKeyVariable) }.FirstOrDefault(k => !string.IsNullOrEmpty(k))
        ?? throw new InvalidFleetOptionException("--api-key", "(none)", $"a cluster needs the fleet's key: pass --api-key or set {ApiKeyVariable}");

    public static Command Create()
    {
        var agents = new Option<int>("--agents") { Description = "concurrent simulated agents", DefaultValueFactory = _ => 10 };
        var task = new Option<string>("--task") { Description = $"task: {string.Join(", ", FleetTasks.Names)}", DefaultValueFactory = _ => SyntheticTask.Name };
        var duration = new Option<double>("--duration") { Description = "seconds of stepping (after every session is open)", DefaultValueFactory = _ => 10 };
        var stepsPerAgent = new Option<long?>("--steps-per-agent") { Description = "stop each agent after this many observations (the run ends sooner than --duration once all have)" };
        var silo = new Option<string?>("--silo") { Description = "a cluster's gateway: ws://host:port[/path] or host:port (default: an embedded silo)" };
        var preset = new Option<string?>("--preset") { Description = "embedded silo: model preset with seeded random weights (default gato-tiny)" };
        var checkpoint = new Option<DirectoryInfo?>("--checkpoint") { Description = "embedded silo: a checkpoint directory to serve" };
        var modelSeed = new Option<ulong>("--model-seed") { Description = "embedded silo: seed of the preset's random weights", DefaultValueFactory = _ => 0 };
        var apiKey = new Option<string?>("--api-key") { Description = $"the fleet's API key (default: ${ApiKeyVariable})" };
        var period = new Option<double?>("--period-ms") { Description = "pace each agent to one observation per period (50 = a 20 Hz robot); default closed loop" };
        var connections = new Option<int>("--connections") { Description = "client WebSocket connections the sessions share", DefaultValueFactory = _ => 4 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the agents' episodes", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("fleet", "run simulated agents against a cluster and report latency, throughput and batch")
        {
            agents, task, duration, stepsPerAgent, silo, apiKey, preset, checkpoint, modelSeed, period, connections, seed, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new FleetOptions
            {
                Agents = parse.GetValue(agents),
                Task = parse.GetValue(task)!,
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                StepsPerAgent = parse.GetValue(stepsPerAgent),
                Period = parse.GetValue(period) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                Seed = parse.GetValue(seed),
            };
            options.Validate();
            FleetReport report;
            if (parse.GetValue(silo) is { } address)
            {
                if (parse.GetValue(preset) is not null || parse.GetValue(checkpoint) is not null)
                    throw new InvalidFleetOptionException(parse.GetValue(preset) is null ? "--checkpoint" : "--preset", "given",
                        "chooses the embedded silo's model; a cluster given by --silo serves its own");
                var key = ApiKey(parse.GetValue(apiKey));
                await using var target = await GatewayTarget.ConnectAsync(GatewayAddress.Parse(address), key, parse.GetValue(connections), ct: ct);
                report = await Run(target, options, parse.GetValue(json), ct);
            }
            else
            {
                var model = parse.GetValue(checkpoint) is { } directory
                    ? parse.GetValue(preset) is null
                        ? ModelSource.FromCheckpoint(directory.FullName)
                        : throw new InvalidFleetOptionException("--checkpoint", directory.FullName, "give --preset or --checkpoint, not both")
                    : ModelSource.FromPreset(parse.GetValue(preset) ?? Presets.Tiny.Preset, parse.GetValue(modelSeed));
                Console.Error.WriteLine($"fleet: starting an embedded silo serving {model}");
                await using var serving = await EmbeddedSilo.StartAsync(new ServingSiloOptions { Model = model }, EmbeddedFleet, cancellation: ct);
                await using var target = await GatewayTarget.ConnectAsync(GatewayAddress.Parse(serving.SessionsEndpoint.ToString()), serving.ApiKey,
                    parse.GetValue(connections), _ => Task.FromResult<EngineTotals?>(Totals(serving.Silo.EngineMetrics)), ct);
                report = await Run(target, options, parse.GetValue(json), ct);
            }
            Print(report, parse.GetValue(json));
            return 0;
        });
        return command;
    }

    static EngineTotals Totals(GatoMesh.Model.Engine.EngineMetrics m) => new(m.Iterations, m.DecodeTokens, m.PrefillTokens, m.BatchedSequences);

    /// <summary>Runs the fleet; the live display only without --json (stderr stays quiet for scripts).</summary>
    static async Task<FleetReport> Run(IFleetTarget target, FleetOptions options, bool json, CancellationToken ct)
    {
        Console.Error.WriteLine($"fleet: {options.Agents} agents, task {options.Task}, {options.Duration.TotalSeconds:0.#} s" +
                                (options.StepsPerAgent is { } n ? $" or {n} steps an agent" : "") +
                                (options.Period is { } p ? $", one step per {p.TotalMilliseconds:0.#} ms" : ", closed loop"));
        var display = new FleetProgressDisplay();
        try
        {
            return await FleetRunner.RunAsync(target, options, json ? null : display.Report, ct);
        }
        finally
        {
            display.Finish();
        }
    }

    static void Print(FleetReport report, bool json)
    {
        if (json)
        {
            Console.WriteLine(report.ToJson().ToJsonString());
            return;
        }
        Console.WriteLine($"agents {report.Agents}, task {report.Task}, model {report.Model}");
        Console.WriteLine($"steps {report.Steps} in {report.DurationS:F1} s: {report.StepsPerSecond:F1} steps/s");
        Console.WriteLine($"latency ms: p50 {report.P50Ms:F2}  p95 {report.P95Ms:F2}  p99 {report.P99Ms:F2}  max {report.MaxMs:F2}");
        Console.WriteLine($"20 Hz deadline misses: {report.DeadlineMissRate20Hz:P2}; mean batch: {(report.MeanBatch is { } b ? $"{b:F1} tokens/iteration" : "n/a")}");
        Console.WriteLine($"errors {report.Errors}" + (report.Errors == 0 ? "" : ": " + string.Join(", ", report.ErrorsByCode.Select(e => $"{e.Key} {e.Value}"))));
    }
}
