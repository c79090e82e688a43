using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Runtime.Membership;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh cluster up --silos N [--base-port P] [--silo DLL] [--json]</c>: starts redis-server on
/// loopback and N product silos (each with its HTTP gateway for external clients), waits until all are
/// Active, prints their endpoints and records the pids.</summary>
internal static class ClusterUpCommand
{
    public static Command Create()
    {
        var silos = new Option<int>("--silos") { Description = "number of silo processes", DefaultValueFactory = _ => 3 };
        var basePort = new Option<int>("--base-port") { Description = "silo i listens on P+i, its runtime gateway on P+N+i, its HTTP gateway on P+2N+i", DefaultValueFactory = _ => 11111 };
        var silo = new Option<string?>("--silo") { Description = "silo assembly to run (default: silos/GatoMesh.Silo of this checkout)" };
        var timeout = new Option<int>("--timeout") { Description = "seconds the silos have to become Active", DefaultValueFactory = _ => 90 };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("up", "start redis-server and N silos on 127.0.0.1") { silos, basePort, silo, timeout, json };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(timeout) < 1)
                throw new LocalClusterException($"--timeout {parse.GetValue(timeout)}: must be at least 1 second");
            var root = ClusterLayout.RepositoryRoot();
            Action<string> progress = line => Console.Error.WriteLine($"cluster: {line}");
            var siloAssembly = parse.GetValue(silo) is { } given
                ? Path.GetFullPath(given)
                : await ClusterLayout.SiloAssemblyAsync(root, progress, cancellation);
            var options = new LocalClusterOptions
            {
                Silos = parse.GetValue(silos),
                BasePort = parse.GetValue(basePort),
                SiloAssembly = siloAssembly,
                StateDirectory = ClusterLayout.StateDirectory(root),
                StartTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                HttpGateways = true,
            };
            var cluster = await LocalClusterLauncher.UpAsync(options, progress, cancellation);
            if (parse.GetValue(json))
                Console.WriteLine(ToJson(cluster, options.StateDirectory).ToJsonString());
            else
            {
                Console.WriteLine($"cluster {cluster.ClusterId}: redis {cluster.Redis}");
                foreach (var s in cluster.Silos)
                    Console.WriteLine($"  silo {s.Address,-32} gateway 127.0.0.1:{s.GatewayPort,-6} sessions ws://127.0.0.1:{s.HttpPort}/v1/sessions  pid {s.Process.Pid}");
                Console.WriteLine($"stop with: gatomesh cluster down   (record: {LocalCluster.PathIn(options.StateDirectory)})");
            }
            return 0;
        });
        return command;
    }

    private static JsonObject ToJson(LocalCluster cluster, string stateDirectory) => new()
    {
        ["cluster_id"] = cluster.ClusterId,
        ["redis"] = cluster.Redis,
        ["redis_pid"] = cluster.RedisProcess.Pid,
        ["state_file"] = LocalCluster.PathIn(stateDirectory),
        ["silos"] = new JsonArray(cluster.Silos.Select(s => (JsonNode)new JsonObject
        {
            ["address"] = s.Address,
            ["port"] = s.Port,
            ["gateway"] = $"127.0.0.1:{s.GatewayPort}",
            ["http"] = $"127.0.0.1:{s.HttpPort}",
            ["pid"] = s.Process.Pid,
            ["log"] = s.Process.Log,
        }).ToArray()),
    };
}
