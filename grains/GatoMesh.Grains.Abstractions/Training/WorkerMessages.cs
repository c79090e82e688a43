namespace GatoMesh.Grains;

[GenerateSerializer, Alias("gatomesh.AssignmentKind")]
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
[GenerateSerializer, Alias("gatomesh.WorkerAssignment")]
public sealed record WorkerAssignment([property: Id(0)] AssignmentKind Kind, [property: Id(1)] long Generation = 0, [property: Id(2)] int Rank = 0, [property: Id(3)] int WorldSize = 0, [property: Id(4)] int StorePort = 0, [property: Id(5)] TrainingJob? Job = null);

/// <param name="Checkpoint">The checkpoint folder written after this step, if any.</param>
/// <param name="Finished">The job's last step is done and its final checkpoint written.</param>
/// <param name="OptimizerStateBytes">AdamW moments this rank holds (all of them, or its ZeRO-1 slice).</param>
/// <param name="PeakMemoryBytes">The worker process's peak resident memory (VmHWM).</param>
/// <param name="History">The loss of every step so far, sent with a generation's first report (a resumed
/// run's history comes from its checkpoint); later reports add <see cref="Loss"/>.</param>
[GenerateSerializer, Alias("gatomesh.WorkerReport")]
public sealed record WorkerReport(
    [property: Id(0)] string WorkerId, [property: Id(1)] long Generation, [property: Id(2)] int Rank, [property: Id(3)] long Step, [property: Id(4)] double Loss, [property: Id(5)] double LearningRate, [property: Id(6)] string? Checkpoint,
    [property: Id(7)] bool Finished, [property: Id(8)] long OptimizerStateBytes, [property: Id(9)] long PeakMemoryBytes, [property: Id(10)] string? ResumedFrom, [property: Id(11)] IReadOnlyList<double>? History);

[GenerateSerializer, Alias("gatomesh.WorkerDirective")]
public enum WorkerDirective
{
    Continue,

    /// <summary>The generation ended (a worker left): leave the process group and join again.</summary>
    Restart,

    /// <summary>The job is over.</summary>
    Stop,
}

[GenerateSerializer, Alias("gatomesh.JobState")]
public enum JobState
{
    NotStarted,
    Forming,
    Training,
    Finished,
    Failed,
}

/// <summary>What one worker last reported.</summary>
[GenerateSerializer, Alias("gatomesh.WorkerSummary")]
public sealed record WorkerSummary([property: Id(0)] string WorkerId, [property: Id(1)] int Rank, [property: Id(2)] long Generation, [property: Id(3)] long Step, [property: Id(4)] long OptimizerStateBytes, [property: Id(5)] long PeakMemoryBytes, [property: Id(6)] bool Alive);

/// <summary>A job's progress: <see cref="Losses"/>[s] is the loss of step s as last reported (steps redone
/// after a restart replace theirs); <see cref="Restarts"/> counts generations ended by a failure, the last
/// for <see cref="LastRestart"/>; <see cref="Error"/> says why a job failed.</summary>
[GenerateSerializer, Alias("gatomesh.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string JobId, [property: Id(1)] JobState State, [property: Id(2)] long Step, [property: Id(3)] long Steps, [property: Id(4)] long Generation, [property: Id(5)] int WorldSize, [property: Id(6)] double? LearningRate,
    [property: Id(7)] IReadOnlyList<double> Losses, [property: Id(8)] string? LatestCheckpoint, [property: Id(9)] string? ResumedFrom, [property: Id(10)] int Restarts, [property: Id(11)] string? LastRestart,
    [property: Id(12)] IReadOnlyList<WorkerSummary> Workers, [property: Id(13)] string? Error);
