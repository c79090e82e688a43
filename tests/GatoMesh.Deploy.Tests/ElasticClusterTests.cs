using System.Diagnostics;
using System.Text.Json;
using GatoMesh.Client;
using Xunit.Abstractions;

namespace GatoMesh.Deploy.Tests;

/// <summary>
/// docs/DEPLOY.md, "Elastic": under a stepping fleet, a silo added to a running cluster takes a share of
/// the sessions (Orleans' activation rebalancer moves running ones, placement puts new ones there), and
/// a silo removed gracefully (SIGTERM) drains with no step lost: every answered step is its session's
/// next timestep and no step fails. Reports the steps lost (goal 0) and the time to rebalance.
/// </summary>
public sealed class ElasticClusterTests(ITestOutputHelper output)
{
    /// <summary>Set to a file name to keep the figures as JSON (bench/results/elastic-cluster.json is one).</summary>
    private const string ResultVariable = "GATOMESH_ELASTIC_RESULT";

    private const int FirstSessions = 18, LaterSessions = 9;

    [Fact]
    public async Task A_joining_silo_takes_a_share_and_a_leaving_one_drains_without_a_lost_step()
    {
        await using var cluster = await SiloProcesses.StartAsync("elastic-fleet", "elastic-fleet-key");
        string[] rebalance = ["--rebalance-period", "3"];
        var a = await cluster.AddAsync("silo-a", rebalance);
        var b = await cluster.AddAsync("silo-b", rebalance);
        await using var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions { Endpoint = cluster.Sessions(a), ApiKey = cluster.Key });
        var fleet = new SteppingFleet(client);
        await using var _ = fleet;
        await fleet.AddAsync("first", FirstSessions);
        await EveryAgentStepsAsync(fleet, 3, "the fleet steps on two silos");

        // A third silo joins: the rebalancer moves running sessions onto it.
        var clock = Stopwatch.StartNew();
        var c = await cluster.AddAsync("silo-c", rebalance);
        var joined = clock.Elapsed;
        var fairShare = FirstSessions / 3;
        await Eventually.True(async () => await cluster.SessionsOnAsync(c) >= fairShare / 2,
            $"silo-c holds half its share ({fairShare / 2} of {FirstSessions}) of the running sessions", TimeSpan.FromSeconds(120));
        var rebalanced = clock.Elapsed - joined;
        var movedToC = await cluster.SessionsOnAsync(c) ?? 0;

        // New sessions: placement gives the emptier silo its part.
        var beforeNew = await cluster.SessionsOnAsync(c) ?? 0;
        await fleet.AddAsync("later", LaterSessions);
        var newOnC = (await cluster.SessionsOnAsync(c) ?? 0) - beforeNew;
        await EveryAgentStepsAsync(fleet, fleet.Sessions.ToDictionary(s => s, s => fleet.StepsOf(s) + 3), "the fleet steps on three silos");
        var sharesBeforeDrain = new[] { await cluster.SessionsOnAsync(a), await cluster.SessionsOnAsync(b), await cluster.SessionsOnAsync(c) };

        // silo-b leaves gracefully under load: its sessions reactivate elsewhere from their records.
        clock.Restart();
        var exitCode = await cluster.StopGracefullyAsync(b, TimeSpan.FromSeconds(60));
        var drained = clock.Elapsed;
        await EveryAgentStepsAsync(fleet, fleet.Sessions.ToDictionary(s => s, s => fleet.StepsOf(s) + 5), "every session steps on after silo-b left");
        var sharesAfterDrain = new[] { await cluster.SessionsOnAsync(a), await cluster.SessionsOnAsync(c) };

        var result = new
        {
            machine_load = File.ReadAllText("/proc/loadavg").Trim(),
            sessions = fleet.Agents,
            steps = fleet.Steps,
            steps_lost = fleet.Lost.Count,
            silo_c_join_s = Math.Round(joined.TotalSeconds, 1),
            time_to_rebalance_s = Math.Round(rebalanced.TotalSeconds, 1),
            running_sessions_moved_to_c = movedToC,
            new_sessions = LaterSessions,
            new_sessions_on_c = newOnC,
            sessions_per_silo_abc = sharesBeforeDrain,
            silo_b_drain_s = Math.Round(drained.TotalSeconds, 1),
            silo_b_exit_code = exitCode,
            sessions_per_silo_ac_after_drain = sharesAfterDrain,
            lost = fleet.Lost.Take(10),
        };
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        output.WriteLine(json);
        if (Environment.GetEnvironmentVariable(ResultVariable) is { Length: > 0 } file) await File.WriteAllTextAsync(file, json + "\n");

        Assert.Empty(fleet.Lost);
        Assert.Equal(0, exitCode);
        Assert.True(movedToC >= fairShare / 2, $"silo-c took {movedToC} running sessions");
        Assert.True(sharesBeforeDrain.All(n => n > 0), $"sessions per silo {string.Join(", ", sharesBeforeDrain)}");
    }

    private static Task EveryAgentStepsAsync(SteppingFleet fleet, long steps, string what) =>
        EveryAgentStepsAsync(fleet, fleet.Sessions.ToDictionary(s => s, _ => steps), what);

    private static Task EveryAgentStepsAsync(SteppingFleet fleet, Dictionary<string, long> atLeast, string what) =>
        Eventually.True(() => atLeast.All(s => fleet.StepsOf(s.Key) >= s.Value), what, TimeSpan.FromSeconds(120));
}
