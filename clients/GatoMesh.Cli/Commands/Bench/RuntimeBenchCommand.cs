using System.CommandLine;
using System.Text.Json;

namespace GatoMesh.Cli.Commands.Bench;

/// <summary><c>gatomesh bench runtime [--silos N] [--grains G] [--seconds S] [--json]</c>: starts
/// redis-server and N silo processes, measures grain-call throughput and latency, kills one silo with
/// SIGKILL and measures recovery; prints one JSON object and writes bench/results/runtime.json.</summary>
internal static class RuntimeBenchCommand
{
    public static Command Create()
    {
        var silos = new Option<int>("--silos") { Description = "silo processes to start (>= 2)", DefaultValueFactory = _ => 3 };
        var grains = new Option<int>("--grains") { Description = "counter grains to activate", DefaultValueFactory = _ => 10_000 };
        var seconds = new Option<double>("--seconds") { Description = "length of each throughput phase", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("runtime", "virtual-actor runtime: local and cross-silo calls/s, p99 latency, duplicates, recovery after kill -9")
        {
            silos, grains, seconds, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var settings = new RuntimeBenchSettings(parse.GetValue(silos), parse.GetValue(grains), parse.GetValue(seconds));
            settings.Validate();
            var result = await RuntimeBench.RunAsync(settings, cancellation);
            string text = JsonSerializer.Serialize(result, RuntimeBenchResult.JsonOptions);
            string path = RuntimeBench.WriteResult(text);
            if (parse.GetValue(json))
                Console.WriteLine(text);
            else
            {
                Console.WriteLine($"silos {result.Silos}, grains {result.Grains}");
                Console.WriteLine($"local calls/s   {result.LocalCallsPerS:N0}");
                Console.WriteLine($"remote calls/s  {result.RemoteCallsPerS:N0}");
                Console.WriteLine($"p99 call        {result.P99CallMs:F2} ms");
                Console.WriteLine($"duplicates      {result.DuplicateActivations}");
                Console.WriteLine($"recovery        {result.RecoveryS:F2} s");
                Console.WriteLine($"written to {path}");
            }
            return 0;
        });
        return command;
    }
}
