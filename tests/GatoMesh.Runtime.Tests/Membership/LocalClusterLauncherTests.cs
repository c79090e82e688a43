using System.Net;
using System.Net.Sockets;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Membership;

/// <summary>
/// `gatomesh cluster up/down` below the command line: what it refuses, that a failed start leaves nothing
/// running, and that down stops exactly the recorded processes (SIGTERM, then kill) even when some are gone.
/// Stand-in processes (tail -f /dev/null) play recorded silos where no silo is needed.
/// </summary>
public sealed class LocalClusterLauncherTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("gatomesh-cluster-").FullName;
    private readonly List<LocalProcess> _started = [];

    public void Dispose()
    {
        // Whatever a failed test left recorded is stopped too, so no silo or redis-server outlives it.
        LocalClusterLauncher.DownAsync(_state, TimeSpan.Zero).GetAwaiter().GetResult();
        foreach (var process in _started)
            process.StopAsync(TimeSpan.Zero).GetAwaiter().GetResult();
        Directory.Delete(_state, recursive: true);
    }

    private LocalClusterOptions Options(string siloAssembly, int silos = 2, int basePort = 0) => new()
    {
        Silos = silos,
        SiloAssembly = siloAssembly,
        StateDirectory = _state,
        BasePort = basePort == 0 ? LoopbackPorts.FreeBlock(2 * silos) : basePort,
        StartTimeout = TimeSpan.FromSeconds(60),
        StopGrace = TimeSpan.FromSeconds(5),
    };

    private LocalProcess StandIn(string name, string script = "exec tail -f /dev/null")
    {
        var process = LocalProcess.Start("bash", ["-c", script], Path.Combine(_state, $"{name}.log"));
        _started.Add(process);
        return process;
    }

    /// <summary>Waits until the stand-in's bash has set up and exec'd into tail (only then are its signal dispositions final).</summary>
    private static async Task UntilRunningAsync(LocalProcess process) =>
        await Eventually.True(() => process.IsRunning && CommandOf(process) == "tail", $"pid {process.Pid} runs tail", TimeSpan.FromSeconds(10));

    private static string? CommandOf(LocalProcess process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Up_without_a_built_silo_names_the_missing_assembly_and_starts_nothing()
    {
        var missing = Path.Combine(_state, "no-such-silo.dll");

        var error = await Assert.ThrowsAsync<LocalClusterException>(() => LocalClusterLauncher.UpAsync(Options(missing)));

        Assert.Contains(missing, error.Message);
        Assert.Null(LocalCluster.Load(_state));
        Assert.False(Directory.Exists(Path.Combine(_state, "logs")));
    }

    [Fact]
    public async Task Up_rejects_a_silo_count_out_of_range_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<LocalClusterException>(() => LocalClusterLauncher.UpAsync(Options(typeof(LocalClusterLauncherTests).Assembly.Location) with { Silos = 0 }));

        Assert.Contains("--silos 0", error.Message);
    }

    [Fact]
    public async Task Up_refuses_a_base_port_block_that_is_in_use_naming_the_port()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var busy = ((IPEndPoint)listener.LocalEndpoint).Port;

            var error = await Assert.ThrowsAsync<LocalClusterException>(() =>
                LocalClusterLauncher.UpAsync(Options(typeof(LocalClusterLauncherTests).Assembly.Location, silos: 1, basePort: busy)));

            Assert.Contains($"port {busy}", error.Message);
            Assert.Null(LocalCluster.Load(_state));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_silo_that_dies_during_up_fails_the_start_with_its_log_and_redis_is_stopped_again()
    {
        // A file that is no .NET assembly: `dotnet` exits at once with an error in the silo's log.
        var notASilo = Path.Combine(_state, "not-a-silo.dll");
        await File.WriteAllTextAsync(notASilo, "this is not an assembly");
        var lines = new List<string>();

        var error = await Assert.ThrowsAsync<LocalClusterException>(() => LocalClusterLauncher.UpAsync(Options(notASilo), lines.Add));

        Assert.Contains("exited before it became Active", error.Message);
        Assert.Null(LocalCluster.Load(_state));
        var redis = lines.Single(l => l.StartsWith("redis-server", StringComparison.Ordinal));
        var redisPort = int.Parse(redis.Split(' ')[1].Split(':')[1]);
        Assert.False(await AnswersAsync(redisPort), $"redis-server on port {redisPort} still answers after the failed start");
    }

    [Fact]
    public async Task Up_refuses_to_start_over_a_recorded_cluster_that_still_runs()
    {
        var silo = StandIn("silo");
        var redis = StandIn("redis");
        await UntilRunningAsync(silo);
        new LocalCluster("local", "127.0.0.1:1", redis, [new LocalSilo("127.0.0.1:2@1", 2, 3, silo)]).Save(_state);

        var error = await Assert.ThrowsAsync<LocalClusterException>(() => LocalClusterLauncher.UpAsync(Options(typeof(LocalClusterLauncherTests).Assembly.Location)));

        Assert.Contains("already up", error.Message);
        Assert.Contains($"{silo.Pid}", error.Message);
    }

    [Fact]
    public async Task Up_starts_silos_that_are_all_active_and_down_stops_them_even_after_one_was_killed()
    {
        var lines = new List<string>();

        var cluster = await LocalClusterLauncher.UpAsync(Options(TestSiloAssembly(), silos: 3), lines.Add);

        var recorded = LocalCluster.Load(_state);
        Assert.NotNull(recorded);
        Assert.Equal(cluster.Redis, recorded.Redis);
        Assert.Equal(cluster.RedisProcess, recorded.RedisProcess);
        Assert.Equal(cluster.Silos, recorded.Silos);
        using (var table = new RedisMembershipTable(cluster.Redis, cluster.ClusterId))
        {
            var rows = (await table.ReadAllAsync()).Rows;
            Assert.All(cluster.Silos, s => Assert.Equal(SiloStatus.Active,
                rows.Single(r => r.Entry.Silo.ToString() == s.Address).Entry.Status));
        }
        foreach (var silo in cluster.Silos)
        {
            Assert.True(silo.Process.IsRunning);
            Assert.True(await AnswersAsync(silo.GatewayPort), $"gateway port {silo.GatewayPort} of {silo.Address} does not accept connections");
        }

        // A silo that died on its own is reported gone; the rest still stop gracefully.
        var crashed = cluster.Silos[1].Process;
        System.Diagnostics.Process.GetProcessById(crashed.Pid).Kill();
        await Eventually.True(() => !crashed.IsRunning, "the killed silo is gone", TimeSpan.FromSeconds(10));
        var outcomes = await LocalClusterLauncher.DownAsync(_state, TimeSpan.FromSeconds(10));

        Assert.Equal("gone", outcomes.Single(o => o.Process == crashed).Outcome);
        Assert.All(outcomes.Where(o => o.Process != crashed), o => Assert.Equal("stopped", o.Outcome));
        Assert.All(cluster.Silos, s => Assert.False(s.Process.IsRunning));
        Assert.False(cluster.RedisProcess.IsRunning);
        Assert.Null(LocalCluster.Load(_state));
    }

    [Fact]
    public async Task Down_with_nothing_recorded_stops_nothing()
    {
        Assert.Empty(await LocalClusterLauncher.DownAsync(_state, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Down_stops_the_recorded_processes_and_forgets_the_cluster()
    {
        var silos = new[] { StandIn("silo-1"), StandIn("silo-2") };
        var redis = StandIn("redis");
        foreach (var process in silos.Append(redis))
            await UntilRunningAsync(process);
        new LocalCluster("local", "127.0.0.1:1", redis, silos.Select((p, i) => new LocalSilo($"127.0.0.1:{i}@1", i, 100 + i, p)).ToArray()).Save(_state);

        var outcomes = await LocalClusterLauncher.DownAsync(_state, TimeSpan.FromSeconds(5));

        Assert.Equal(3, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal("stopped", o.Outcome));
        Assert.All(silos.Append(redis), p => Assert.False(p.IsRunning));
        Assert.Null(LocalCluster.Load(_state));
    }

    [Fact]
    public async Task Down_kills_a_process_that_ignores_SIGTERM_after_the_grace_period()
    {
        // An ignored signal stays ignored across exec, so this tail shrugs off SIGTERM.
        var stubborn = StandIn("stubborn", "trap '' TERM; exec tail -f /dev/null");
        var redis = StandIn("redis");
        await UntilRunningAsync(stubborn);
        await UntilRunningAsync(redis);
        new LocalCluster("local", "127.0.0.1:1", redis, [new LocalSilo("127.0.0.1:2@1", 2, 3, stubborn)]).Save(_state);

        var outcomes = await LocalClusterLauncher.DownAsync(_state, TimeSpan.FromMilliseconds(500));

        Assert.Equal("killed", outcomes.Single(o => o.Process == stubborn).Outcome);
        Assert.False(stubborn.IsRunning);
    }

    [Fact]
    public async Task Down_copes_with_processes_that_are_gone_and_never_signals_a_reused_pid()
    {
        var gone = StandIn("gone");
        await UntilRunningAsync(gone);
        await gone.StopAsync(TimeSpan.FromSeconds(5));
        // A live process recorded with another start time stands for a pid the kernel has given to someone else.
        var bystander = StandIn("bystander");
        await UntilRunningAsync(bystander);
        var reused = bystander with { StartTime = bystander.StartTime - 1 };
        new LocalCluster("local", "127.0.0.1:1", reused, [new LocalSilo("127.0.0.1:2@1", 2, 3, gone)]).Save(_state);

        var outcomes = await LocalClusterLauncher.DownAsync(_state, TimeSpan.FromSeconds(1));

        Assert.All(outcomes, o => Assert.Equal("gone", o.Outcome));
        Assert.True(bystander.IsRunning);
        Assert.Null(LocalCluster.Load(_state));
    }

    /// <summary>The runtime's test silo, built in the same configuration as these tests (build/test.sh builds it
    /// with the solution; alone: dotnet build tests/GatoMesh.Runtime.TestSilo -c Release).</summary>
    private static string TestSiloAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "GatoMesh.sln")))
            root = root.Parent;
        Assert.NotNull(root);
        var path = Path.Combine(root.FullName, "tests", "GatoMesh.Runtime.TestSilo", "bin", configuration, here.Name, "GatoMesh.Runtime.TestSilo.dll");
        Assert.True(File.Exists(path), $"the test silo is not built at {path}; run: dotnet build tests/GatoMesh.Runtime.TestSilo -c {configuration}");
        return path;
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
