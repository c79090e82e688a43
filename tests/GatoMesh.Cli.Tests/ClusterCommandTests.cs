using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary>
/// <c>gatomesh cluster up --silos 2</c> then <c>cluster down</c> (docs/MEMBERSHIP.md, "Local cluster"), with a
/// real redis-server and two silo processes. GATOMESH_STATE_DIR points the record and logs at a temp folder,
/// so the test never sees or stops a developer's cluster in the checkout's .gatomesh/; <c>down</c> always
/// runs, so no process outlives the test.
/// </summary>
public sealed class ClusterCommandTests
{
    private static readonly TimeSpan ClusterDeadline = TimeSpan.FromSeconds(150);

    [Fact]
    public void Up_starts_redis_and_two_silos_and_down_stops_every_process_it_recorded()
    {
        using var state = new TempDirectory();
        var environment = new Dictionary<string, string> { ["GATOMESH_STATE_DIR"] = state.Path };
        var basePort = LoopbackPorts.FreeBlock(6);
        JsonElement up;
        int[] pids;
        CliResult down;
        try
        {
            up = Gatomesh.Run(new CliRun(["cluster", "up", "--silos", "2", "--base-port", basePort.ToString(), "--json"])
            {
                WorkingDirectory = state.Path, Environment = environment, Deadline = ClusterDeadline,
            }).Json();
            pids = [up.GetProperty("redis_pid").GetInt32(), .. up.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("pid").GetInt32())];
            Assert.All(pids, pid => Assert.True(IsRunning(pid), $"pid {pid} from cluster up is not running"));
            Assert.True(File.Exists(Path.Combine(state.Path, "cluster.json")), "cluster up wrote no record in GATOMESH_STATE_DIR");
            // Each silo's HTTP gateway answers for external clients.
            using var http = new HttpClient();
            foreach (var silo in up.GetProperty("silos").EnumerateArray())
                Assert.Equal(System.Net.HttpStatusCode.OK, http.GetAsync($"http://{silo.GetProperty("http").GetString()}/health").Result.StatusCode);
        }
        finally
        {
            down = Down(state.Path, environment);
        }

        // up: redis and silo i on base + i with its gateway on base + N + i, all on loopback, logs in the state folder.
        Assert.Equal(Path.Combine(state.Path, "cluster.json"), up.GetProperty("state_file").GetString());
        Assert.StartsWith("127.0.0.1:", up.GetProperty("redis").GetString());
        var silos = up.GetProperty("silos").EnumerateArray().ToArray();
        Assert.Equal([basePort, basePort + 1], silos.Select(s => s.GetProperty("port").GetInt32()));
        Assert.Equal([$"127.0.0.1:{basePort + 2}", $"127.0.0.1:{basePort + 3}"], silos.Select(s => s.GetProperty("gateway").GetString()));
        Assert.Equal([$"127.0.0.1:{basePort + 4}", $"127.0.0.1:{basePort + 5}"], silos.Select(s => s.GetProperty("http").GetString()));
        Assert.All(silos, s => Assert.StartsWith(state.Path, s.GetProperty("log").GetString()));

        // down: every recorded process reported and gone, the record removed; a second down has nothing to stop.
        var processes = down.Json().GetProperty("processes").EnumerateArray().ToArray();
        Assert.Equal(pids.Order(), processes.Select(p => p.GetProperty("pid").GetInt32()).Order());
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"pid {pid} still runs after cluster down"));
        Assert.False(File.Exists(Path.Combine(state.Path, "cluster.json")), "cluster down left the record");
        Assert.Empty(Down(state.Path, environment).Json().GetProperty("processes").EnumerateArray());
    }

    private static CliResult Down(string state, IReadOnlyDictionary<string, string> environment) =>
        Gatomesh.Run(new CliRun(["cluster", "down", "--grace", "10", "--json"])
        {
            WorkingDirectory = state, Environment = environment, Deadline = ClusterDeadline,
        });

    /// <summary>A running process, not a zombie awaiting its parent (/proc/PID/stat state 'Z').</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
