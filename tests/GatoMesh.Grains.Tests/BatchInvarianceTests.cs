using GatoMesh.Model.Engine;
using GatoMesh.Silo;

namespace GatoMesh.Grains.Tests;

/// <summary>ARCHITECTURE.md, "Serving path": batching many sessions into one forward pass, and losing
/// and rebuilding a session's cache, never changes the actions it gets.</summary>
public sealed class BatchInvarianceTests
{
    private const int Steps = 12;

    [Fact]
    public async Task Sessions_stepped_concurrently_get_exactly_the_actions_each_gets_alone()
    {
        var concurrent = await RunAsync(new ServingSiloOptions(), sessions: 2, together: true);
        var alone = await RunAsync(new ServingSiloOptions(), sessions: 2, together: false);
        Assert.Equal(Flatten(alone), Flatten(concurrent));
    }

    [Fact]
    public async Task Eight_sessions_batched_together_match_one_at_a_time_with_temperature_sampling()
    {
        var concurrent = await RunAsync(new ServingSiloOptions(), sessions: 8, together: true);
        var alone = await RunAsync(new ServingSiloOptions(), sessions: 8, together: false);
        Assert.Equal(Flatten(alone), Flatten(concurrent));
    }

    [Fact]
    public async Task A_kv_budget_that_forces_evictions_recomputes_the_same_actions()
    {
        // Room for a couple of windows only: 16 concurrent sessions keep evicting each other.
        var tight = new ServingSiloOptions { Engine = new EngineOptions { KvBlocks = 24 } };
        await using var silo = await ServingSilo.StartAsync(tight);
        var drivers = Drivers(silo, 16);
        await Task.WhenAll(drivers.Select(d => d.OpenAsync()));
        await Task.WhenAll(drivers.Select(d => d.StepAsync(Steps)));
        Assert.True(silo.EngineMetrics.Evictions > 0, "the tight budget evicted nothing: the test does not test recompute");
        Assert.Contains(drivers.SelectMany(d => d.Replies), r => r.Recomputed);

        var roomy = await RunAsync(new ServingSiloOptions(), sessions: 16, together: false);
        Assert.Equal(Flatten(roomy), Flatten(drivers.Select(d => d.Actions).ToList()));
    }

    private static async Task<List<List<long[]>>> RunAsync(ServingSiloOptions options, int sessions, bool together)
    {
        if (together)
        {
            await using var silo = await ServingSilo.StartAsync(options);
            var drivers = Drivers(silo, sessions);
            await Task.WhenAll(drivers.Select(d => d.OpenAsync()));
            await Task.WhenAll(drivers.Select(d => d.StepAsync(Steps)));
            return [.. drivers.Select(d => d.Actions)];
        }
        var results = new List<List<long[]>>();
        for (var i = 0; i < sessions; i++)
        {
            // A fresh silo per session: nothing else was ever in its engine.
            await using var silo = await ServingSilo.StartAsync(options);
            var driver = new SessionDriver(silo.GrainFactory, SessionDriver.Fleet, $"agent-{i}", seed: i);
            await driver.OpenAsync();
            await driver.StepAsync(Steps);
            results.Add(driver.Actions);
        }
        return results;
    }

    private static List<SessionDriver> Drivers(ServingSilo silo, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SessionDriver(silo.GrainFactory, SessionDriver.Fleet, $"agent-{i}", seed: i))];

    private static List<string> Flatten(List<List<long[]>> actions) =>
        [.. actions.SelectMany((steps, session) => steps.Select((a, t) => $"{session}/{t}: {string.Join(',', a)}"))];
}
