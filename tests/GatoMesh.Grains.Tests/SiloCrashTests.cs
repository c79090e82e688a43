using GatoMesh.Grains.Tests.Fixtures;
using GatoMesh.Model.Engine;
using GatoMesh.Runtime;
using GatoMesh.Runtime.Client;
using GatoMesh.Silo;

namespace GatoMesh.Grains.Tests;

/// <summary>ARCHITECTURE.md, "No data loss": a session's context survives the crash of its silo. Three
/// silo processes share Redis (membership and session state); one is killed -9 mid-episode, and every
/// session goes on, on another silo, with exactly the actions an uninterrupted session gets.</summary>
public sealed class SiloCrashTests
{
    // Past the first window slide (25 timesteps of 10 tokens fit gato-tiny's 256), so the rebuilt
    // context is a slid window, not the whole episode.
    private const int StepsBefore = 30;
    private const int StepsAfter = 8;
    private const int Sessions = 6;

    [Fact]
    public async Task After_kill_9_every_session_continues_on_another_silo_with_its_full_context()
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = $"crash{Environment.ProcessId}";
        // Exact sliding windows: a rebuilt window then equals the uninterrupted cache in every layer (docs/ENGINE.md).
        string[] args = ["--redis", redis.Configuration, "--cluster-id", cluster, "--exact-window"];
        var silos = new List<ServingSiloProcess>();
        try
        {
            for (var i = 0; i < 3; i++) silos.Add(await ServingSiloProcess.StartAsync(args));
            await using var client = new ClusterClient(new ClientOptions { Gateways = [.. silos.Select(s => s.Gateway)] });
            var drivers = Enumerable.Range(0, Sessions).Select(i => new SessionDriver(client, SessionDriver.Fleet, $"crash-{i}", seed: i)).ToList();
            foreach (var d in drivers) await Eventually.Succeeds(async () => { await d.OpenAsync(); return 0; }, $"open {d.Id}", TimeSpan.FromSeconds(30));
            await Task.WhenAll(drivers.Select(d => d.StepAsync(StepsBefore)));

            // Kill the silo that hosts the most sessions.
            var hosted = new Dictionary<ServingSiloProcess, int>();
            foreach (var silo in silos)
                hosted[silo] = (await client.ListActivationsAsync(silo.Gateway)).Count(g => g.Type == typeof(IEpisodeSessionGrain).FullName);
            var victim = hosted.OrderByDescending(p => p.Value).First().Key;
            Assert.True(hosted[victim] > 0, "no silo hosts a session");
            victim.KillHard();

            await Task.WhenAll(drivers.Select(d => StepThroughFailoverAsync(d, StepsAfter)));

            var reference = await UninterruptedAsync(StepsBefore + StepsAfter);
            for (var i = 0; i < Sessions; i++)
                if (!reference[i].SequenceEqual(drivers[i].Actions, ActionComparer))
                    Assert.Fail($"{drivers[i].Id}: first differing step {FirstDifference(reference[i], drivers[i].Actions)}; " +
                        $"expected {Show(reference[i])}, got {Show(drivers[i].Actions)}");
            Assert.Contains(drivers.SelectMany(d => d.Replies.Skip(StepsBefore)), r => r.Recomputed);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    private static readonly IEqualityComparer<long[]> ActionComparer =
        EqualityComparer<long[]>.Create((a, b) => a!.SequenceEqual(b!), a => a.Length);

    private static int FirstDifference(List<long[]> expected, List<long[]> actual) =>
        Enumerable.Range(0, Math.Max(expected.Count, actual.Count))
            .First(t => t >= expected.Count || t >= actual.Count || !expected[t].SequenceEqual(actual[t]));

    private static string Show(List<long[]> actions) => string.Join(' ', actions.Select(a => string.Join(',', a)));

    /// <summary>Steps on; a step that fails because its silo died is retried with the same sequence
    /// number (applied once, wherever it lands), as a client SDK does.</summary>
    private static async Task StepThroughFailoverAsync(SessionDriver driver, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var reuse = false;
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    var reply = await driver.StepOnceAsync(driver.Grain, reuseSequence: reuse);
                    Assert.True(reply.Error is null, $"{driver.Id} step {driver.Sequence}: {reply.Error}");
                    break;
                }
                catch (GrainRuntimeException) when (DateTime.UtcNow < until)
                {
                    reuse = true;
                    await Task.Delay(50);
                }
            }
        }
    }

    private static async Task<List<List<long[]>>> UninterruptedAsync(int steps)
    {
        await using var silo = await ServingSilo.StartAsync(new ServingSiloOptions { Engine = new EngineOptions { ExactSlidingWindow = true } });
        var drivers = Enumerable.Range(0, Sessions).Select(i => new SessionDriver(silo.GrainFactory, SessionDriver.Fleet, $"crash-{i}", seed: i)).ToList();
        await Task.WhenAll(drivers.Select(d => d.OpenAsync()));
        await Task.WhenAll(drivers.Select(d => d.StepAsync(steps)));
        return [.. drivers.Select(d => d.Actions)];
    }
}
