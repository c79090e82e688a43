using GatoMesh.Model;
using GatoMesh.Torch;
using GatoMesh.Torch.Distributed;

namespace GatoMesh.Grains;

/// <summary>
/// What a worker does for a job, on its own thread: join the coordinator until a generation forms,
/// open the rank's <see cref="DistributedTrainer"/> (resuming from the job's latest checkpoint), train
/// and report every step, checkpoint when due, and start over when the generation ends. A failed
/// collective (a peer died: Gloo's "Connection closed by peer", or a timeout) is reported as the
/// end of the generation; an error in the job itself (bad options or data) fails the job.
/// </summary>
internal sealed class TrainerWorkerLoop(ITrainerCoordinatorGrain coordinator, string workerId, string adminKey)
{
    static readonly TimeSpan JoinPoll = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan CoordinatorPatience = TimeSpan.FromSeconds(30);

    readonly CancellationTokenSource stop = new();
    volatile WorkerStatus status = new(Started: true, Done: false, Generation: -1, Rank: -1, Step: 0, Error: null);

    public WorkerStatus Snapshot() => status;

    public void Stop() => stop.Cancel();

    public void Run()
    {
        // The coordinator's calls change the deployment (RequiresAdmin): they carry the key the worker was started with.
        using var credential = AdminCredential.Present(adminKey);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var assignment = Call(() => coordinator.Join(workerId));
                if (assignment.Kind == AssignmentKind.Done) break;
                if (assignment.Kind == AssignmentKind.Wait)
                {
                    stop.Token.WaitHandle.WaitOne(JoinPoll);
                    continue;
                }
                if (Train(assignment)) break;
            }
            status = status with { Done = true };
        }
        catch (Exception e)
        {
            status = status with { Done = true, Error = e.Message };
        }
    }

    /// <summary>Trains generation <paramref name="a"/>; true when the job is over for this worker.</summary>
    bool Train(WorkerAssignment a)
    {
        var job = a.Job!;
        status = status with { Generation = a.Generation, Rank = a.Rank };
        DistributedTrainer trainer;
        ProcessGroup? group = null;
        try
        {
            Torch.Torch.Threads = job.Threads;
            group = ProcessGroup.Create("127.0.0.1", a.StorePort, a.Rank, a.WorldSize, TimeSpan.FromSeconds(job.CollectiveTimeoutSeconds));
            trainer = DistributedTrainer.Open(Options(job), group);
        }
        catch (TorchException e)
        {
            group?.Dispose();
            Call(() => coordinator.Failed(workerId, a.Generation, e.Message, fatal: false));
            return false;
        }
        catch (Exception e)
        {
            group?.Dispose();
            Call(() => coordinator.Failed(workerId, a.Generation, e.Message, fatal: true));
            return true;
        }
        using (group)
        using (trainer)
        {
            var first = true;
            while (!stop.IsCancellationRequested)
            {
                string? checkpoint = null;
                try
                {
                    if (trainer.Step < job.Steps)
                    {
                        trainer.TrainOne();
                        if (trainer.CheckpointDue) checkpoint = trainer.SaveCheckpoint();
                    }
                    else if (first && trainer.ResumedFrom is { } from)
                    {
                        checkpoint = from;  // resumed at the last step: the job's final checkpoint already exists
                    }
                }
                catch (TorchException e)
                {
                    Call(() => coordinator.Failed(workerId, a.Generation, e.Message, fatal: false));
                    return false;
                }
                status = status with { Step = trainer.Step };
                var finished = trainer.Step >= job.Steps;
                var report = new WorkerReport(workerId, a.Generation, a.Rank, trainer.Step,
                    trainer.Losses.Count > 0 ? trainer.Losses[^1] : 0, trainer.LearningRateAt(Math.Max(trainer.Step - 1, 0)), checkpoint,
                    finished, trainer.OptimizerStateBytes, PeakResidentBytes(), trainer.ResumedFrom, first ? trainer.Losses.ToArray() : null);
                first = false;
                var directive = Call(() => coordinator.Report(report));
                if (finished || directive == WorkerDirective.Stop) return true;
                if (directive == WorkerDirective.Restart) return false;
            }
        }
        return true;
    }

    static DistributedTrainerOptions Options(TrainingJob job) => new()
    {
        Training = new TrainerOptions
        {
            Config = GatoConfig.FromJson(job.ConfigJson),
            DataDirectory = job.DataDirectory,
            OutputDirectory = job.OutputDirectory,
            Steps = job.Steps,
            BatchSize = job.BatchSize,
            SequenceLength = job.SequenceLength,
            PeakLearningRate = job.PeakLearningRate,
            WarmupSteps = job.WarmupSteps,
            WeightDecay = job.WeightDecay,
            ClipNorm = job.ClipNorm,
            TaskWeights = job.TaskWeights,
            LossWeights = job.LossWeights,
            PromptProbability = job.PromptProbability,
            History = job.History,
            Precision = ComputePrecisions.Parse(job.Precision),
            Seed = job.Seed,
            CheckpointEvery = job.CheckpointEvery,
        },
        Parallelism = job.Zero1 ? DataParallelism.Zero1 : DataParallelism.Replicated,
        MicroBatches = job.MicroBatches,
    };

    /// <summary>A coordinator call, retried while its host is briefly unreachable; after
    /// <see cref="CoordinatorPatience"/> the job is taken as gone and the error ends the worker.</summary>
    T Call<T>(Func<Task<T>> call)
    {
        var deadline = DateTimeOffset.UtcNow + CoordinatorPatience;
        while (true)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (Exception e) when (IsUnreachable(e) && DateTimeOffset.UtcNow < deadline && !stop.IsCancellationRequested)
            {
                stop.Token.WaitHandle.WaitOne(JoinPoll);
            }
        }
    }

    /// <summary>The coordinator's silo cannot be reached now (it is restarting, or the link is down).</summary>
    static bool IsUnreachable(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;

    void Call(Func<Task> call) => Call(async () => { await call(); return true; });

    /// <summary>VmHWM of /proc/self/status: the process's peak resident memory, 0 where there is no procfs.</summary>
    static long PeakResidentBytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return 0;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
        return 0;
    }
}
