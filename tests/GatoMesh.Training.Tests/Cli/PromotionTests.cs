using System.Diagnostics;
using System.Text.Json;
using GatoMesh.Grains;
using GatoMesh.Grains.Serving;
using GatoMesh.Silo;

namespace GatoMesh.Training.Tests;

/// <summary>
/// Deployment (issue 8, "Tests"): `gatomesh train --workers 2 --cluster GATEWAY --promote GATEWAY` runs
/// its coordinator in a running serving silo and deploys its final checkpoint there while an agent keeps
/// stepping; the agent's steps switch to the new version and none of them fails.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class PromotionTests(TrainingDataset data) : IDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    readonly string root = Path.Combine(Path.GetTempPath(), "gatomesh-promote-" + Guid.NewGuid().ToString("N"));

    const string Spec = """
        {
          "name": "promotion-test",
          "observation": { "joints": { "kind": "continuous", "shape": [3] } },
          "action": { "torque": { "kind": "continuous", "shape": [1] } }
        }
        """;

    [Fact]
    public async Task A_promoted_checkpoint_is_served_by_a_running_cluster_without_a_failed_step()
    {
        await using var silo = await ServingSilo.StartAsync(new ServingSiloOptions
        {
            Serving = new ServingOptions { RegistryPollPeriod = TimeSpan.FromMilliseconds(100) },
        });
        var session = silo.GrainFactory.GetGrain<IEpisodeSessionGrain>(SessionKeys.Of("fleet", "robot"));
        Assert.Null((await session.Open(new OpenSessionRequest { Fleet = "fleet", SpecJson = Spec })).Error);

        var versions = new List<string>();
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();
        var stepping = Task.Run(async () =>
        {
            for (long sequence = 1; !stop.IsCancellationRequested; sequence++)
            {
                var observation = new Dictionary<string, FieldValue> { ["joints"] = FieldValue.OfContinuous([0.1f * (sequence % 7), -0.2f, 0.3f]) };
                var reply = await session.Step(new StepRequest { Fleet = "fleet", Sequence = sequence, Observation = observation });
                lock (versions)
                {
                    if (reply.Error is not null) failures.Add($"step {sequence}: {reply.Error}");
                    else versions.Add(reply.ModelVersion);
                }
            }
        });

        // The job's coordinator lives in the serving silo too (--cluster): one running cluster trains and serves.
        var gateway = $"127.0.0.1:{silo.Host.GatewayPort}";
        string deployed;
        using (var run = new TrainProcess(
            "--data", data.Directory, "--out", Path.Combine(root, "run"), "--steps", "4", "--batch-size", "4", "--sequence-length", "160",
            "--checkpoint-every", "2", "--workers", "2", "--cluster", gateway, "--promote", gateway, "--json"))
        {
            Assert.Equal(0, run.WaitForExit(Deadline));
            deployed = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("deployed").GetProperty("id").GetString()!;
        }
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (versions)
                if (versions.Count > 0 && versions[^1] == deployed) break;
            Assert.True(clock.Elapsed < Deadline, $"the session never answered with {deployed}");
            Assert.False(stepping.IsCompleted, $"stepping stopped: {stepping.Exception}");
            await Task.Delay(50);
        }
        stop.Cancel();
        await stepping.WaitAsync(Deadline);

        Assert.Empty(failures);
        Assert.Equal(silo.ServedVersion.Id, deployed);
        Assert.NotEqual(deployed, versions[0]);
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
