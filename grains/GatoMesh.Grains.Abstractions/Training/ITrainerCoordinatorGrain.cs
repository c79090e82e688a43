namespace GatoMesh.Grains;

/// <summary>
/// Owns one data-parallel training job (key: the job id; docs/DISTRIBUTED.md, "Training"): its
/// configuration, the workers taking part, the ranks of each generation of the process group, the
/// step reached, the checkpoints written and the losses. Workers pull everything: they
/// <see cref="Join"/> until a generation forms, <see cref="Report"/> after every step and learn there
/// whether to go on, and say when their process group failed. A worker that leaves (its process exited,
/// <see cref="Leave"/>, or it fell silent for <see cref="TrainingJob.WorkerTimeoutSeconds"/>) ends the
/// generation: the others restart from the last checkpoint as a new, smaller group, which any worker
/// joining later enlarges at the next restart.
/// </summary>
[Alias("gatomesh.ITrainerCoordinatorGrain"), RequiresAdmin]
public interface ITrainerCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Sets the job. Starting the same job again (a retried call) changes nothing; another job
    /// under the same key while one runs is refused in the reply's <see cref="JobStatus.Error"/>.</summary>
    Task<JobStatus> Start(TrainingJob job);

    /// <summary>Registers <paramref name="workerId"/> and answers its assignment in the forming or current
    /// generation, <see cref="AssignmentKind.Wait"/> while the generation is not complete, or
    /// <see cref="AssignmentKind.Done"/>.</summary>
    Task<WorkerAssignment> Join(string workerId);

    /// <summary>A step finished (and perhaps a checkpoint); the answer says whether to go on.</summary>
    Task<WorkerDirective> Report(WorkerReport report);

    /// <summary>The worker's process group failed in <paramref name="generation"/> (a peer left, a
    /// timeout): the generation ends. <paramref name="fatal"/>: the job cannot go on (bad options or
    /// data), so it fails with <paramref name="reason"/>.</summary>
    Task Failed(string workerId, long generation, string reason, bool fatal);

    /// <summary>The worker is gone (its process exited); a generation it belonged to ends.</summary>
    Task Leave(string workerId, string reason);

    Task<JobStatus> Status();
}
