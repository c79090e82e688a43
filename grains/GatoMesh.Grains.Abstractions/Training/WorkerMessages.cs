namespace GatoMesh.Grains;

public enum AssignmentKind
{
    /// <summary>The generation is not complete yet: join again shortly.</summary>
    Wait,

    /// <summary>Join the process group described and train.</summary>
    Train,

    /// <summary>The job is over (finished or failed): exit.</summary>
    Done,
}

/// <summary>
/// A worker's place in generation <see cref="Generation"/>: rank <see cref="Rank"/> of
/// <see cref="WorldSize"/>, rendezvous at the TCPStore on 127.0.0.1:<see cref="StorePort"/> (rank 0
/// hosts it). Rank r trains micro-batches r, r + W, ... of every step's global batch: the ranks' data
/// is disjoint and together covers the batch. Every generation resumes from the job's latest checkpoint.
/// </summary>
public sealed record WorkerAssignment(AssignmentKind Kind, long Generation = 0, int Rank = 0, int WorldSize = 0, int StorePort = 0, TrainingJob? Job = null);

/// <param name="Checkpoint">The checkpoint folder written after this step, if any.</param>
/// <param name="Finished">The job's last step is done and its final checkpoint written.</param>
/// <param name="OptimizerStateBytes">AdamW moments this rank holds (all of them, or its ZeRO-1 slice).</param>
/// <param name="PeakMemoryBytes">The worker process's peak resident memory (VmHWM).</param>
/// <param name="History">The loss of every step so far, sent with a generation's first report (a resumed
/// run's history comes from its checkpoint); later reports add <see cref="Loss"/>.</param>
public sealed record WorkerReport(
    string WorkerId, long Generation, int Rank, long Step, double Loss, double LearningRate, string? Checkpoint,
    bool Finished, long OptimizerStateBytes, long PeakMemoryBytes, string? ResumedFrom, IReadOnlyList<double>? History);

public enum WorkerDirective
{
    Continue,

    /// <summary>The generation ended (a worker left): leave the process group and join again.</summary>
    Restart,

    /// <summary>The job is over.</summary>
    Stop,
}

public enum JobState
{
    NotStarted,
    Forming,
    Training,
    Finished,
    Failed,
}

/// <summary>What one worker last reported.</summary>
public sealed record WorkerSummary(string WorkerId, int Rank, long Generation, long Step, long OptimizerStateBytes, long PeakMemoryBytes, bool Alive);

/// <summary>A job's progress: <see cref="Losses"/>[s] is the loss of step s as last reported (steps redone
/// after a restart replace theirs); <see cref="Restarts"/> counts generations ended by a failure, the last
/// for <see cref="LastRestart"/>; <see cref="Error"/> says why a job failed.</summary>
public sealed record JobStatus(
    string JobId, JobState State, long Step, long Steps, long Generation, int WorldSize, double? LearningRate,
    IReadOnlyList<double> Losses, string? LatestCheckpoint, string? ResumedFrom, int Restarts, string? LastRestart,
    IReadOnlyList<WorkerSummary> Workers, string? Error);
