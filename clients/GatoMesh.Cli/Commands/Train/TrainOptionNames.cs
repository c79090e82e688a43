using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary>How <c>gatomesh train</c> spells the trainer's configuration fields: the library names a
/// <see cref="TrainerOptions"/> field in its errors, the CLI the option a user typed.</summary>
internal static class TrainOptionNames
{
    static readonly Dictionary<string, string> Options = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(TrainerOptions.Config)] = "--preset",
        [nameof(TrainerOptions.DataDirectory)] = "--data",
        [nameof(TrainerOptions.OutputDirectory)] = "--out",
        [nameof(TrainerOptions.Steps)] = "--steps",
        [nameof(TrainerOptions.Minutes)] = "--minutes",
        [nameof(TrainerOptions.BatchSize)] = "--batch-size",
        [nameof(TrainerOptions.SequenceLength)] = "--sequence-length",
        [nameof(TrainerOptions.PeakLearningRate)] = "--lr",
        [nameof(TrainerOptions.WarmupSteps)] = "--warmup",
        [nameof(TrainerOptions.WeightDecay)] = "--weight-decay",
        [nameof(TrainerOptions.ClipNorm)] = "--clip",
        [nameof(TrainerOptions.TaskWeights)] = "--task-weights",
        [nameof(TrainerOptions.LossWeights)] = "--loss-weights",
        [nameof(TrainerOptions.PromptProbability)] = "--prompt-probability",
        [nameof(TrainerOptions.History)] = "--history",
        [nameof(TrainerOptions.Seed)] = "--seed",
        [nameof(TrainerOptions.Precision)] = "--precision",
        [nameof(TrainerOptions.CheckpointEvery)] = "--checkpoint-every",
        [nameof(DistributedTrainerOptions.MicroBatches)] = "--micro-batches",
        ["episodes"] = "--episodes",
        ["tasks"] = "--tasks",
        ["sequenceLength"] = "--sequence-length",
    };

    /// <summary>The same error naming the CLI option (the field as it is when no option sets it).</summary>
    public static InvalidTrainingOptionException Spelled(InvalidTrainingOptionException e) =>
        new(Options.GetValueOrDefault(e.Field, e.Field), e.Value, e.Reason.Replace("another output directory", "another --out"));

    /// <summary>Runs <paramref name="action"/>, rethrowing a trainer's option error with the CLI's spelling.</summary>
    public static T Spelling<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (InvalidTrainingOptionException e) when (!e.Field.StartsWith("--", StringComparison.Ordinal))
        {
            throw Spelled(e);
        }
    }
}
