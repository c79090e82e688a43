using System.Diagnostics;
using System.Text.Json.Nodes;
using GatoMesh.Grains;
using GatoMesh.Model;
using GatoMesh.Silo;
using GatoMesh.Silo.Hosting;
using GatoMesh.Silo.Security;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh train --workers N</c> (docs/DISTRIBUTED.md, "Training"): this process runs a trainer silo
/// hosting the job's <see cref="ITrainerCoordinatorGrain"/>, as the primary of the job's own cluster (TLS
/// with a certificate made for the job), or, with <c>--cluster RECORD</c>, as a member of a running
/// serving cluster; it launches N worker processes (<c>gatomesh train worker</c>) whose silos join that
/// cluster, tells the coordinator when one exits, and shows the job's progress from the coordinator's
/// status. Same outputs as the single-process trainer; the JSON adds the workers, the parallelism and the
/// restarts. With <c>--promote RECORD</c> the final checkpoint is deployed to that serving cluster's model
/// registry (<see cref="IModelRegistryGrain.Deploy"/>), whose inference grains hot-swap to it.
/// </summary>
internal static class DistributedTraining
{
    static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(30);

    /// <summary>A worker's process ended: a failure shows at once, and the coordinator hears of it (which
    /// ends its generation, or the job when it was the last worker).</summary>
    static async void Exited(ITrainerCoordinatorGrain coordinator, string worker, int code)
    {
        if (code != 0) Console.Error.WriteLine($"{Environment.NewLine}worker {worker} exited with code {code}");
        try
        {
            await coordinator.Leave(worker, $"its process exited with code {code}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"worker {worker}: telling the coordinator it left failed: {e.Message}");
        }
    }

    public static async Task<int> RunAsync(DistributedTrainerOptions options, int workers, string? cluster, string? promote, int threads, bool json, CancellationToken cancel)
    {
        if (workers < 1) throw new InvalidTrainingOptionException("--workers", workers, "must be at least 1");
        DistributedTrainer.Validate(options);
        var training = options.Training;
        Directory.CreateDirectory(training.OutputDirectory);
        var startedFrom = Trainer.LatestCheckpoint(training.OutputDirectory);
        var job = new TrainingJob
        {
            ConfigJson = training.Config.ToJson(),
            DataDirectory = training.DataDirectory,
            OutputDirectory = training.OutputDirectory,
            Steps = training.Steps,
            BatchSize = training.BatchSize,
            SequenceLength = training.SequenceLength,
            PeakLearningRate = training.PeakLearningRate,
            WarmupSteps = training.WarmupSteps,
            WeightDecay = training.WeightDecay,
            ClipNorm = training.ClipNorm,
            TaskWeights = training.TaskWeights.ToDictionary(),
            LossWeights = training.LossWeights.ToDictionary(),
            PromptProbability = training.PromptProbability,
            History = training.History,
            Precision = training.Precision.Name(),
            Seed = training.Seed,
            CheckpointEvery = training.CheckpointEvery,
            Workers = workers,
            MicroBatches = options.MicroBatches,
            Zero1 = options.Parallelism == DataParallelism.Zero1,
            Threads = threads,
        };
        var jobId = $"train-{Guid.NewGuid():N}";

        var shared = cluster is null ? null : LocalCluster.Read(cluster);
        using var credentials = shared is null ? JobCredentials.Create(jobId) : JobCredentials.Of(shared);
        using var admin = AdminCredential.Present(credentials.AdminKey);
        TrainerSilo? silo = null;
        var processes = new List<WorkerProcess>();
        try
        {
            var membership = shared is null ? null : new RedisCluster(shared.Redis, shared.ClusterId);
            silo = await TrainerSilo.StartAsync(membership is null ? new TrainerCluster.OfJob(jobId, null) : new TrainerCluster.Shared(membership),
                credentials.Certificate, credentials.AdminKey, cancellation: cancel);
            var coordinator = silo.GrainFactory.GetGrain<ITrainerCoordinatorGrain>(jobId);
            var started = await coordinator.Start(job);
            if (started.Error is not null) throw new TrainingJobFailedException(started.Error);
            string[] joins = membership is null
                ? ["--primary", $"{silo.Endpoint}"]
                : ["--redis", membership.Configuration, "--cluster-id", membership.ClusterId];
            Console.Error.WriteLine($"job {jobId}: {workers} worker(s), {(job.Zero1 ? "ZeRO-1" : "data parallel")}, {options.MicroBatches} micro-batch(es) of {training.BatchSize / options.MicroBatches}, " +
                (membership is null ? "in the job's own cluster" : $"in cluster {membership.ClusterId}"));
            for (var w = 0; w < workers; w++)
            {
                var process = WorkerProcess.Start($"w{w}", [.. joins, "--tls-certificate", credentials.CertificatePath], credentials.AdminKey, jobId,
                    (id, code) => Exited(coordinator, id, code));
                processes.Add(process);
                Console.Error.WriteLine($"worker {process.Id} pid {process.Pid}");
            }

            var clock = Stopwatch.StartNew();
            var bar = new TrainProgressBar();
            var stoppedEarly = false;
            long firstStep = -1, shownStep = -1;
            var restartsShown = 0;
            JobStatus status;
            try
            {
                while (true)
                {
                    status = await coordinator.Status();
                    if (status.Restarts > restartsShown)
                    {
                        restartsShown = status.Restarts;
                        Console.Error.WriteLine($"{Environment.NewLine}restarting from {status.LatestCheckpoint ?? "the start"}: {status.LastRestart}");
                    }
                    if (status.Step != shownStep && status.Losses.Count > 0)
                    {
                        // Throughput counts from the first step seen, so worker start-up and data loading stay out of it.
                        if (firstStep < 0)
                        {
                            firstStep = status.Step;
                            clock.Restart();
                        }
                        shownStep = status.Step;
                        var done = Math.Max(status.Step - firstStep, 1);
                        var rate = (status.Step - firstStep) * (double)training.BatchSize * training.SequenceLength / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                        var remaining = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / done * (status.Steps - status.Step));
                        bar.Report(new TrainerProgress(status.Step, status.Steps, status.Losses[^1], status.LearningRate ?? 0, rate, remaining));
                    }
                    if (status.State is JobState.Finished or JobState.Failed) break;
                    if (cancel.IsCancellationRequested)
                    {
                        stoppedEarly = true;
                        break;
                    }
                    await Task.Delay(StatusPoll, CancellationToken.None);
                }
            }
            finally
            {
                bar.Finish();
            }
            var elapsed = clock.Elapsed.TotalSeconds;
            if (status.State == JobState.Failed) throw new TrainingJobFailedException($"job {jobId} failed: {status.Error}");
            if (stoppedEarly)
                foreach (var p in processes) p.Kill();
            foreach (var p in processes) await p.WaitForExitAsync(ExitGrace);

            var steps = status.Step;
            var tokens = Math.Max(steps - Math.Max(firstStep, 0), 0) * (double)training.BatchSize * training.SequenceLength;
            var tokensPerSecond = tokens / Math.Max(elapsed, 1e-9);
            var checkpoint = status.LatestCheckpoint ?? Trainer.LatestCheckpoint(training.OutputDirectory);
            var lossCurve = checkpoint is null ? null : TrainingOutputs.Write(training.OutputDirectory, checkpoint, tokensPerSecond).LossCurve;
            var finalLoss = status.Losses.Count > 0 ? status.Losses[^1] : double.NaN;
            ModelVersion? deployed = null;
            if (promote is not null && !stoppedEarly && checkpoint is not null)
                deployed = await CheckpointPromotion.DeployAsync(LocalCluster.Read(promote), checkpoint);
            if (json)
            {
                var stats = new JsonArray();
                foreach (var w in status.Workers)
                    stats.Add(new JsonObject
                    {
                        ["worker"] = w.WorkerId,
                        ["rank"] = w.Rank,
                        ["alive"] = w.Alive,
                        ["optimizer_state_bytes"] = w.OptimizerStateBytes,
                        ["peak_rss_bytes"] = w.PeakMemoryBytes,
                    });
                Console.WriteLine(new JsonObject
                {
                    ["steps"] = steps,
                    ["final_loss"] = finalLoss,
                    ["tokens_per_s"] = tokensPerSecond,
                    ["checkpoint"] = checkpoint,
                    ["loss_curve"] = lossCurve,
                    ["resumed_from"] = startedFrom,
                    ["stopped_early"] = stoppedEarly || steps < training.Steps,
                    ["workers"] = workers,
                    ["parallelism"] = job.Zero1 ? "zero1" : "replicated",
                    ["micro_batches"] = options.MicroBatches,
                    ["restarts"] = status.Restarts,
                    ["worker_stats"] = stats,
                    ["deployed"] = deployed is null ? null : new JsonObject { ["id"] = deployed.Id, ["revision"] = deployed.Revision, ["checkpoint"] = deployed.Checkpoint },
                }.ToJsonString(ReadableJson.Options));
            }
            else
            {
                Console.WriteLine($"step {steps}/{training.Steps}  loss {finalLoss:F4}  {tokensPerSecond:F0} tokens/s  {workers} worker(s)  {status.Restarts} restart(s)");
                Console.WriteLine($"checkpoint {checkpoint}");
                Console.WriteLine($"loss curve {lossCurve}");
                if (deployed is not null) Console.WriteLine($"deployed {deployed.Id} (revision {deployed.Revision}) to cluster {LocalCluster.Read(promote!).ClusterId}");
            }
            return 0;
        }
        finally
        {
            foreach (var p in processes) p.Dispose();
            if (silo is not null) await silo.DisposeAsync();
        }
    }
}
