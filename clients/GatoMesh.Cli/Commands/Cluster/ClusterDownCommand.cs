using System.CommandLine;
using System.Text.Json.Nodes;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh cluster down [--json]</c>: stops the recorded local cluster (SIGTERM, then kill after a grace period).</summary>
internal static class ClusterDownCommand
{
    public static Command Create()
    {
        var grace = new Option<int>("--grace") { Description = "seconds a process has after SIGTERM before it is killed", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("down", "stop the local cluster started by `gatomesh cluster up`") { grace, json };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(grace) < 0)
                throw new LocalClusterException($"--grace {parse.GetValue(grace)}: must not be negative");
            var state = ClusterLayout.StateDirectory(ClusterLayout.RepositoryRoot());
            var outcomes = await LocalClusterLauncher.DownAsync(state, TimeSpan.FromSeconds(parse.GetValue(grace)),
                line => Console.Error.WriteLine($"cluster: {line}"));
            if (parse.GetValue(json))
                Console.WriteLine(new JsonObject
                {
                    ["processes"] = new JsonArray(outcomes.Select(o => (JsonNode)new JsonObject
                    {
                        ["role"] = o.Role,
                        ["pid"] = o.Process.Pid,
                        ["outcome"] = o.Outcome,
                    }).ToArray()),
                }.ToJsonString());
            else if (outcomes.Count == 0)
                Console.WriteLine("no local cluster is recorded; nothing to stop");
            else
                foreach (var (role, process, outcome) in outcomes)
                    Console.WriteLine($"{role,-40} pid {process.Pid,-8} {outcome}");
            return 0;
        });
        return command;
    }
}
