using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace GatoMesh.Grains;

/// <summary>
/// The coordinator of one training job (<see cref="ITrainerCoordinatorGrain"/>). Generations: a
/// generation forms when every live worker has joined it (the first one waits for
/// <see cref="TrainingJob.Workers"/>); ranks follow the workers' ids in ordinal order. Any failure ends
/// the generation: its members are told to restart at their next report, and the next generation forms
/// from the workers still alive, resuming from the latest checkpoint, which only complete checkpoints
/// ever become (docs/TRAINING.md, "Run directory"). The job's durable state is its run directory;
/// this grain holds only what a running job needs, so it lives as long as the job's host.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class TrainerCoordinatorGrain : Grain, ITrainerCoordinatorGrain
{
    string Key => this.GetPrimaryKeyString();

    sealed class Worker(string id)
    {
        public string Id { get; } = id;
        public bool Alive { get; set; } = true;
        public DateTimeOffset LastSeen { get; set; } = DateTimeOffset.UtcNow;
        public WorkerReport? Last { get; set; }
    }

    readonly Dictionary<string, Worker> workers = new(StringComparer.Ordinal);
    readonly HashSet<string> pending = new(StringComparer.Ordinal);
    readonly List<double> losses = [];
    TrainingJob? job;
    List<string> members = [];
    bool formed;
    long generation;
    int storePort;
    long step;
    double? learningRate;
    string? latestCheckpoint;
    string? resumedFrom;
    int restarts;
    JobState state = JobState.NotStarted;
    string? error;
    string? lastRestart;
    IDisposable? sweeper;

    public Task<JobStatus> Start(TrainingJob job)
    {
        // Compared as JSON: the record's task-weight dictionary has reference equality, and a retried call
        // arrives as a fresh copy.
        ArgumentNullException.ThrowIfNull(job);
        var same = this.job is not null && JsonSerializer.Serialize(this.job) == JsonSerializer.Serialize(job);
        if (this.job is not null && !same && state is not (JobState.Finished or JobState.Failed))
            return Task.FromResult(Describe() with { Error = $"job {Key} is already running with another configuration" });
        if (job.Workers < 1)
            return Task.FromResult(Describe() with { Error = $"workers = {job.Workers}: a job needs at least 1 worker" });
        if (!same)
        {
            Reset();
            this.job = job;
            state = JobState.Forming;
            sweeper ??= this.RegisterGrainTimer(() => { Sweep(); return Task.CompletedTask; }, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
        return Task.FromResult(Describe());
    }

    void Reset()
    {
        workers.Clear();
        pending.Clear();
        losses.Clear();
        members = [];
        formed = false;
        generation = 0;
        step = 0;
        learningRate = null;
        latestCheckpoint = resumedFrom = error = lastRestart = null;
        restarts = 0;
    }

    public Task<WorkerAssignment> Join(string workerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        if (job is null || state is JobState.Finished or JobState.Failed or JobState.NotStarted)
            return Task.FromResult(new WorkerAssignment(AssignmentKind.Done));
        var worker = Seen(workerId);
        worker.Alive = true;
        if (formed)
            return Task.FromResult(members.Contains(workerId) ? Assignment(workerId) : new WorkerAssignment(AssignmentKind.Wait));
        pending.Add(workerId);
        var alive = workers.Values.Where(w => w.Alive).Select(w => w.Id).ToList();
        // The first generation waits for the job's workers, unless one is already gone: then, as after any
        // failure, it forms from whoever is alive.
        var enough = pending.Count >= (generation == 0 && workers.Values.All(w => w.Alive) ? job.Workers : 1);
        if (enough && alive.All(pending.Contains))
        {
            members = [.. pending.Order(StringComparer.Ordinal)];
            pending.Clear();
            formed = true;
            storePort = FreeLoopbackPort();
            state = JobState.Training;
            return Task.FromResult(Assignment(workerId));
        }
        return Task.FromResult(new WorkerAssignment(AssignmentKind.Wait));
    }

    WorkerAssignment Assignment(string workerId) =>
        new(AssignmentKind.Train, generation, members.IndexOf(workerId), members.Count, storePort, job);

    public Task<WorkerDirective> Report(WorkerReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (job is null || state is JobState.Failed) return Task.FromResult(WorkerDirective.Stop);
        var worker = Seen(report.WorkerId);
        worker.Last = report;
        if (report.Generation != generation || !formed)
            return Task.FromResult(state == JobState.Finished ? WorkerDirective.Stop : WorkerDirective.Restart);
        if (report.Rank == 0)
        {
            // A generation's first report carries the history it resumed with, so steps redone after a
            // restart replace the losses the failed generation reported.
            if (report.History is not null)
            {
                losses.Clear();
                losses.AddRange(report.History);
            }
            else
            {
                losses.Add(report.Loss);
            }
            step = report.Step;
            learningRate = report.LearningRate;
            if (report.Checkpoint is not null) latestCheckpoint = report.Checkpoint;
            if (generation == 0 && report.ResumedFrom is not null) resumedFrom ??= report.ResumedFrom;
        }
        // Rank 0 writes the final checkpoint, so its report (which names it) finishes the job.
        if (report.Finished && report.Rank == 0)
        {
            state = JobState.Finished;
            return Task.FromResult(WorkerDirective.Stop);
        }
        return Task.FromResult(report.Finished ? WorkerDirective.Stop : WorkerDirective.Continue);
    }

    public Task Failed(string workerId, long generation, string reason, bool fatal)
    {
        Seen(workerId);
        if (fatal)
        {
            state = JobState.Failed;
            error = $"worker {workerId}: {reason}";
        }
        else if (generation == this.generation && formed)
        {
            EndGeneration($"worker {workerId}: {reason}");
        }
        return Task.CompletedTask;
    }

    public Task Leave(string workerId, string reason)
    {
        if (workers.TryGetValue(workerId, out var worker)) Gone(worker, reason);
        return Task.CompletedTask;
    }

    void Gone(Worker worker, string reason)
    {
        if (!worker.Alive) return;
        worker.Alive = false;
        pending.Remove(worker.Id);
        if (state is JobState.Finished or JobState.Failed) return;
        if (formed && members.Contains(worker.Id)) EndGeneration($"worker {worker.Id} left: {reason}");
        if (!workers.Values.Any(w => w.Alive))
        {
            state = JobState.Failed;
            error = $"no worker is left (the last, {worker.Id}: {reason})";
        }
    }

    void EndGeneration(string reason)
    {
        formed = false;
        members = [];
        generation++;
        restarts++;
        lastRestart = reason;
        state = JobState.Forming;
        if (restarts > job!.MaxRestarts)
        {
            state = JobState.Failed;
            error = $"restarted {restarts} times (more than {job.MaxRestarts}); the last: {reason}";
        }
    }

    /// <summary>Workers that fell silent are gone (a host whose launcher cannot see its exit, e.g. --cluster).</summary>
    void Sweep()
    {
        if (job is null) return;
        var limit = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(job.WorkerTimeoutSeconds);
        foreach (var worker in workers.Values.Where(w => w.Alive && w.LastSeen < limit).ToList())
            Gone(worker, $"silent for {job.WorkerTimeoutSeconds} s");
    }

    Worker Seen(string workerId)
    {
        if (!workers.TryGetValue(workerId, out var worker)) workers[workerId] = worker = new Worker(workerId);
        worker.LastSeen = DateTimeOffset.UtcNow;
        return worker;
    }

    public Task<JobStatus> Status() => Task.FromResult(Describe());

    JobStatus Describe() => new(
        Key, state, step, job?.Steps ?? 0, generation, formed ? members.Count : 0, learningRate, losses.ToArray(),
        latestCheckpoint, resumedFrom, restarts, lastRestart,
        workers.Values.OrderBy(w => w.Id, StringComparer.Ordinal).Select(w => new WorkerSummary(
            w.Id, w.Last?.Rank ?? -1, w.Last?.Generation ?? -1, w.Last?.Step ?? 0,
            w.Last?.OptimizerStateBytes ?? 0, w.Last?.PeakMemoryBytes ?? 0, w.Alive)).ToArray(),
        error);

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
