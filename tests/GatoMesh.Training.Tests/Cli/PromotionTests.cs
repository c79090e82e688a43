using System.Diagnostics;
using System.Text.Json;
using GatoMesh.Client;
using GatoMesh.Data;

namespace GatoMesh.Training.Tests;

/// <summary>
/// Deployment (docs/DISTRIBUTED.md, "Deployment"): `gatomesh train --workers 2 --cluster CLUSTER --promote
/// CLUSTER` runs its job's silos inside a running serving cluster (`gatomesh cluster up`: Redis, TLS) and
/// deploys its final checkpoint there while a robot keeps stepping through the gateway; the robot's steps
/// switch to the new version and none of them fails.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class PromotionTests(TrainingDataset data) : IDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    const string FleetKey = "promotion-test-key-0123456789abcdef";
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
        var state = Path.Combine(root, "cluster");
        var environment = new Dictionary<string, string> { ["GATOMESH_STATE_DIR"] = state };
        try
        {
            JsonElement up;
            using (var start = new TrainProcess(["cluster", "up", "--silos", "1", "--base-port", LoopbackPorts.FreeBlock(3).ToString(), "--json",
                       "--", "--fleet-key", $"fleet={FleetKey}", "--no-dashboard"], environment))
            {
                start.ExitsWith(0, Deadline);
                up = JsonDocument.Parse(start.Stdout).RootElement;
            }
            var http = up.GetProperty("silos")[0].GetProperty("http").GetString();
            await using var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions { Endpoint = new Uri($"ws://{http}/v1/sessions"), ApiKey = FleetKey });
            var session = await client.OpenSessionAsync("robot", Spec);

            var versions = new List<string>();
            var failures = new List<string>();
            using var stop = new CancellationTokenSource();
            var stepping = Task.Run(async () =>
            {
                for (long sequence = 1; !stop.IsCancellationRequested; sequence++)
                {
                    try
                    {
                        var reply = await session.StepAsync(new FieldValues().SetContinuous("joints", [0.1f * (sequence % 7), -0.2f, 0.3f]));
                        lock (versions) versions.Add(reply.ModelVersion);
                    }
                    catch (GatoMeshException e)
                    {
                        lock (versions) failures.Add($"step {sequence}: {e.Message}");
                    }
                }
            });

            string deployed;
            using (var run = new TrainProcess(
                "--data", data.Directory, "--out", Path.Combine(root, "run"), "--steps", "4", "--batch-size", "4", "--sequence-length", "160",
                "--checkpoint-every", "2", "--workers", "2", "--cluster", state, "--promote", state, "--json"))
            {
                run.ExitsWith(0, Deadline);
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
            Assert.NotEqual(deployed, versions[0]);
        }
        finally
        {
            using var down = new TrainProcess(["cluster", "down", "--json"], environment);
            down.WaitForExit(Deadline);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
