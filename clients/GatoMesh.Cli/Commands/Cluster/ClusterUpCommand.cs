using System.CommandLine;
using System.Text.Json.Nodes;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh cluster up --silos N [--base-port P] [--json] [-- SILO OPTIONS]</c>: starts redis-server on
/// loopback and N silo processes (Redis membership and storage, TLS between them with the cluster
/// certificate, each with its HTTP gateway for robots), waits until all serve, prints their endpoints
/// and records the pids. Options after <c>--</c> go to every silo (`gatomesh silo`: a model, engine limits,
/// fleet keys).</summary>
internal static class ClusterUpCommand
{
    public static Command Create()
    {
        var silos = new Option<int>("--silos") { Description = "number of silo processes", DefaultValueFactory = _ => 3 };
        var basePort = new Option<int>("--base-port") { Description = "silo i listens on P+i, its Orleans gateway on P+N+i, its HTTP gateway on P+2N+i", DefaultValueFactory = _ => 11111 };
        var timeout = new Option<int>("--timeout") { Description = "seconds the silos have to become Active", DefaultValueFactory = _ => 90 };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var siloOptions = new Argument<string[]>("silo-options") { Description = "options for every silo, after --", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("up", "start redis-server and N silos on 127.0.0.1") { silos, basePort, timeout, json, siloOptions };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(timeout) < 1)
                throw new LocalClusterException($"--timeout {parse.GetValue(timeout)}: must be at least 1 second");
            var root = ClusterLayout.RepositoryRoot();
            Action<string> progress = line => Console.Error.WriteLine($"cluster: {line}");
            var options = new LocalClusterOptions
            {
                Silos = parse.GetValue(silos),
                BasePort = parse.GetValue(basePort),
                StateDirectory = ClusterLayout.StateDirectory(root),
                StartTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                SiloArguments = parse.GetValue(siloOptions) ?? [],
            };
            var cluster = await LocalClusterLauncher.UpAsync(options, progress, cancellation);
            if (parse.GetValue(json))
                Console.WriteLine(ToJson(cluster, options.StateDirectory).ToJsonString());
            else
            {
                Console.WriteLine($"cluster {cluster.ClusterId}: redis {cluster.Redis}");
                foreach (var s in cluster.Silos)
                    Console.WriteLine($"  {s.Name,-8} sessions ws://127.0.0.1:{s.HttpPort}/v1/sessions  dashboard http://127.0.0.1:{s.HttpPort}/dashboard  pid {s.Process.Pid}");
                Console.WriteLine($"admin key: {cluster.AdminKeyFile}; cluster certificate: {cluster.Certificate}");
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
        ["certificate"] = cluster.Certificate,
        ["admin_key_file"] = cluster.AdminKeyFile,
        ["silos"] = new JsonArray(cluster.Silos.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name,
            ["port"] = s.Port,
            ["gateway"] = $"127.0.0.1:{s.GatewayPort}",
            ["http"] = $"127.0.0.1:{s.HttpPort}",
            ["pid"] = s.Process.Pid,
            ["log"] = s.Process.Log,
        }).ToArray()),
    };
}
