using System.Text.Json;
using GatoMesh.Model;
using GatoMesh.Model.Engine;

namespace GatoMesh.Training.Tests;

/// <summary>
/// `gatomesh train --workers 2` as a user runs it (issue 8, "Tests"): kill -9 of a worker mid-job makes
/// the job restart from the last checkpoint with the remaining worker and finish; the run is the same run
/// as an uninterrupted one (the math does not depend on the number of workers); the final checkpoint
/// loads and an inference engine serves an action from it.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class ElasticTrainingTests(TrainingDataset data) : IDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    readonly string root = Path.Combine(Path.GetTempPath(), "gatomesh-elastic-" + Guid.NewGuid().ToString("N"));

    string[] Args(string output, int workers, int zero) =>
    [
        "--data", data.Directory, "--out", output, "--steps", "40", "--batch-size", "4", "--sequence-length", "160",
        "--lr", "1e-3", "--warmup", "2", "--seed", "11", "--checkpoint-every", "4", "--micro-batches", "2",
        "--workers", workers.ToString(), "--zero", zero.ToString(), "--json",
    ];

    [Fact]
    public async Task A_worker_killed_mid_job_restarts_the_job_from_the_last_checkpoint_which_finishes_the_same_run_and_serves()
    {
        var killed = Path.Combine(root, "killed");
        JsonElement report;
        using (var run = new TrainProcess(Args(killed, workers: 2, zero: 1)))
        {
            run.WaitUntil(() => File.Exists(Path.Combine(killed, Trainer.LatestFile)), Deadline, "first checkpoint");
            var pid = run.WorkerPid("w1");
            System.Diagnostics.Process.GetProcessById(pid).Kill();  // SIGKILL: no chance to clean up
            run.ExitsWith(0, Deadline);
            report = JsonDocument.Parse(run.Stdout).RootElement;
            Assert.Contains("restarting from", run.Stderr);
        }
        Assert.Equal(40, report.GetProperty("steps").GetInt64());
        Assert.True(report.GetProperty("restarts").GetInt32() >= 1, report.ToString());
        Assert.False(report.GetProperty("stopped_early").GetBoolean());
        var final = report.GetProperty("checkpoint").GetString()!;
        Assert.EndsWith("step-00000040", final);
        Assert.Equal(final, Trainer.LatestCheckpoint(killed));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(killed, Trainer.CheckpointsDirectory)), d => d.EndsWith(".partial"));

        var straight = Path.Combine(root, "straight");
        using (var run = new TrainProcess(Args(straight, workers: 1, zero: 0)))
            run.ExitsWith(0, Deadline);
        var expected = Losses(Trainer.LatestCheckpoint(straight)!);
        var actual = Losses(final);
        Assert.Equal(40, actual.Length);
        for (var s = 0; s < expected.Length; s++)
            Assert.True(Math.Abs(expected[s] - actual[s]) <= 1e-4, $"step {s}: uninterrupted {expected[s]}, killed and restarted {actual[s]}");

        using var model = Checkpoint.Load(final);
        await using var engine = new InferenceEngine(model);
        var config = model.Config;
        long[] observation = [config.ContinuousBase + 512, config.ContinuousBase + 300, config.SeparatorId];
        var action = await engine.ActAsync(new ActRequest
        {
            SequenceId = "served",
            Timestep = 0,
            Observation = TokenBatchInputs.Text(observation, [0, 1, 2]),
            ActionSpec = [new TokenRange(config.ContinuousBase, config.SeparatorId)],
            Context = new SequenceContext(TokenBatchInputs.Text([], []), []),
        }).WaitAsync(TimeSpan.FromMinutes(1));
        var tokens = Assert.IsType<ActResult.Action>(action).Tokens;
        Assert.InRange(Assert.Single(tokens), (long)config.ContinuousBase, config.SeparatorId - 1L);
    }

    [Fact]
    public void Bad_distributed_options_fail_before_any_worker_starts_naming_the_option()
    {
        using var run = new TrainProcess(["--data", data.Directory, "--out", Path.Combine(root, "bad"), "--steps", "4", "--batch-size", "4", "--workers", "3"]);
        run.ExitsWith(1, Deadline);
        Assert.Contains("--micro-batches = 3", run.Stderr);
        Assert.DoesNotContain("worker w0 pid", run.Stderr);
    }

    static double[] Losses(string checkpoint) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint, "trainer.json"))).RootElement.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
