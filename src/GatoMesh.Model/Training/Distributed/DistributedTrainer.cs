using GatoMesh.Tokens;
using GatoMesh.Torch;
using GatoMesh.Torch.Distributed;
using GatoMesh.Torch.Optim;

namespace GatoMesh.Model;

/// <summary>
/// One rank of data-parallel Gato training (docs/DISTRIBUTED.md, "Training"). Every rank of the
/// process group holds a full model replica and calls <see cref="TrainOne"/> and
/// <see cref="SaveCheckpoint"/> in lockstep (both are collectives). A step is the single-process
/// trainer's step (docs/TRAINING.md): the global batch of sequences <c>s*B .. s*B+B-1</c>, the
/// masked mean cross-entropy over all of it, global-norm clipping, AdamW with the same schedule.
/// The batch is cut into micro-batches (<see cref="DistributedTrainerOptions.MicroBatches"/>); each
/// rank back-propagates its micro-batches' share of the global mean (their summed loss over the
/// global count of masked tokens), and the summed gradients are the gradient of the global mean.
/// Checkpoints are the single-process layout plus <c>distributed.json</c>, and resume with any
/// number of workers.
/// </summary>
public sealed class DistributedTrainer : IDisposable
{
    readonly DistributedTrainerOptions options;
    readonly TrainerOptions training;
    readonly ProcessGroup group;
    readonly TrainingData data;
    readonly AdamW optimizer;
    readonly ParameterPartition? partition;
    readonly LearningRateSchedule schedule;
    readonly List<double> losses;
    readonly Tensor[] parameters;
    readonly int[] microBatches;
    readonly TokenBuffer[][] buffers;

    DistributedTrainer(DistributedTrainerOptions options, ProcessGroup group, TrainingData data, RunDirectory.Resumption resumption)
    {
        var (model, resumed, resumedFrom) = resumption;
        this.options = options;
        training = options.Training;
        this.group = group;
        this.data = data;
        Model = model;
        model.Precision = training.Precision;
        var named = model.NamedParameters();
        parameters = named.Select(p => p.Tensor).ToArray();
        partition = options.Parallelism == DataParallelism.Zero1 ? new ParameterPartition(named, group.Rank, group.WorldSize) : null;
        var updated = partition?.Owned ?? named;
        optimizer = new AdamW(updated.Select(p => KeyValuePair.Create(p.Name, p.Tensor)), new AdamWOptions
        {
            LearningRate = training.PeakLearningRate, Beta1 = 0.9, Beta2 = 0.95, WeightDecay = training.WeightDecay,
        });
        OptimizerStateBytes = 2 * (partition?.OwnedElements ?? parameters.Sum(p => p.Count)) * sizeof(float);
        schedule = new LearningRateSchedule(training.PeakLearningRate, Math.Min(training.WarmupSteps, training.Steps), training.Steps);
        losses = resumed?.Losses ?? [];
        Step = resumed?.Step ?? 0;
        ResumedFrom = resumedFrom;
        microBatches = Enumerable.Range(0, options.MicroBatches).Where(m => m % group.WorldSize == group.Rank).ToArray();
        var size = training.BatchSize / options.MicroBatches;
        buffers = microBatches.Select(_ => Enumerable.Range(0, size).Select(_ => new TokenBuffer()).ToArray()).ToArray();
    }

    public GatoModel Model { get; }

    public int Rank => group.Rank;
    public int WorldSize => group.WorldSize;

    /// <summary>Steps taken so far (the next step's index).</summary>
    public long Step { get; private set; }

    /// <summary>The global loss of every step taken, resumed ones included (equal on every rank).</summary>
    public IReadOnlyList<double> Losses => losses;

    public string? ResumedFrom { get; }

    /// <summary>Bytes of AdamW moments this rank holds: all parameters' when replicated, its slice's under ZeRO-1.</summary>
    public long OptimizerStateBytes { get; }

    /// <summary>Whether a checkpoint is due after the last step: every <see cref="TrainerOptions.CheckpointEvery"/> steps and at the end.</summary>
    public bool CheckpointDue => Step > 0 && (Step % training.CheckpointEvery == 0 || Step == training.Steps);

    /// <summary>
    /// Validates the options, reads the data and resumes from <c>out/latest</c> (model, this rank's
    /// optimizer entries, step, losses) or starts from the seed's model. Every rank must open with the
    /// same options while no checkpoint is being written.
    /// </summary>
    public static DistributedTrainer Open(DistributedTrainerOptions options, ProcessGroup group)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(group);
        var training = options.Training;
        Validate(options);
        var data = TrainingData.Load(training);
        var resumed = RunDirectory.Resume(training, options.MicroBatches, data.LocalGrids);
        try
        {
            var trainer = new DistributedTrainer(options, group, data, resumed);
            if (resumed.Checkpoint is { } checkpoint) RunDirectory.LoadOptimizer(trainer.optimizer, checkpoint);
            return trainer;
        }
        catch
        {
            resumed.Model.Dispose();
            throw;
        }
    }

    /// <summary>Throws <see cref="InvalidTrainingOptionException"/> naming the first bad option (the
    /// single-process trainer's rules, and micro-batches that divide the batch).</summary>
    public static void Validate(DistributedTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var training = options.Training;
        Trainer.Validate(training);
        if (training.Minutes is not null)
            throw new InvalidTrainingOptionException(nameof(training.Minutes), training.Minutes, "data-parallel runs count steps; give Steps instead");
        if (options.MicroBatches < 1 || training.BatchSize % options.MicroBatches != 0)
            throw new InvalidTrainingOptionException(nameof(options.MicroBatches), options.MicroBatches, $"must divide the batch size ({training.BatchSize})");
    }

    /// <summary>One optimizer step on this step's global batch (a collective); returns the global loss.</summary>
    public double TrainOne()
    {
        var b = training.BatchSize;
        var size = b / options.MicroBatches;
        var batches = new TrainingBatch[microBatches.Length];
        var weights = new double[size];
        for (var k = 0; k < microBatches.Length; k++)
        {
            var first = Step * b + (long)microBatches[k] * size;
            for (var j = 0; j < size; j++) weights[j] = data.LossWeights[data.Build(first + j, buffers[k][j])];
            batches[k] = TrainingBatch.Collate(buffers[k], weights);
        }
        // Every micro-batch's masked tokens and their weights, over all ranks: the global mean's denominator.
        var weightOf = batches.Select(batch => batch.MaskedWeight()).ToArray();
        var globalWeight = GradientReduction.Sum(group, weightOf.Sum());
        Model.Train();
        double loss;
        try
        {
            Model.ZeroGrad();
            var localLoss = 0.0;
            for (var k = 0; k < batches.Length; k++)
            {
                // The dropout masks of micro-batch m follow from (seed, step, m) alone, whichever rank runs it.
                Model.DropoutGenerator.ManualSeed(SeededRandom.For(training.Seed ^ Trainer.DropoutSalt, Step * options.MicroBatches + microBatches[k]).NextUInt64());
                using var scope = DisposeScope.Begin();
                var (mean, _, _, _) = TrainStep.Loss(Model, batches[k]);
                // This micro-batch's share of the global mean: its summed (weighted) loss over every rank's
                // masked tokens (their weights).
                var share = globalWeight > 0 ? weightOf[k] / globalWeight : 0.0;
                localLoss += mean.Item() * share;
                (mean * share).Backward();
            }
            loss = GradientReduction.AllReduce(group, parameters, localLoss);
            var norm = GradientClipping.ClipByGlobalNorm(parameters, training.ClipNorm);
            optimizer.LearningRate = schedule.At(Step);
            // Every rank has the same norm, so all skip a non-finite update together.
            if (double.IsFinite(norm))
            {
                optimizer.Step();
                partition?.AllGather(group);
            }
        }
        finally
        {
            Model.Eval();
        }
        losses.Add(loss);
        Step++;
        return loss;
    }

    /// <summary>The learning rate step <paramref name="step"/> uses.</summary>
    public double LearningRateAt(long step) => schedule.At(step);

    /// <summary>
    /// Writes <c>out/checkpoints/step-K/</c> (a collective): rank 0 prepares <c>step-K.partial/</c>; each rank
    /// that holds optimizer state no other rank holds writes it there; rank 0 adds the model, trainer.json and
    /// distributed.json, renames the folder into place, flushes the rename, and only then points
    /// <c>out/latest</c> at it. Every file is written to a temporary name, fsynced and renamed
    /// (<see cref="AtomicFile"/>), so a crash of any rank at any moment leaves <c>latest</c> naming a
    /// complete checkpoint. Returns the folder once every rank is past the write.
    /// </summary>
    public string SaveCheckpoint()
    {
        var staging = Path.Combine(training.OutputDirectory, Trainer.CheckpointsDirectory, RunDirectory.StepDirectory(Step)) + ".partial";
        if (Rank == 0) RunDirectory.Stage(training.OutputDirectory, Step);
        group.Barrier();
        if (options.Parallelism == DataParallelism.Zero1 || Rank == 0)
            RunDirectory.SaveOptimizer(optimizer, Path.Combine(staging,
                options.Parallelism == DataParallelism.Zero1 ? $"optimizer-rank-{Rank:D5}.safetensors" : Trainer.OptimizerFile));
        group.Barrier();
        var final = Path.Combine(training.OutputDirectory, Trainer.CheckpointsDirectory, RunDirectory.StepDirectory(Step));
        if (Rank == 0)
        {
            Checkpoint.Save(Model, staging);
            RunDirectory.CopyTextModel(data, staging);
            TrainerState.Of(training, Step, losses, options.MicroBatches, WorldSize, options.Parallelism, dataSeed: data.DataSeed).Save(staging);
            RunDirectory.Publish(training.OutputDirectory, Step);
        }
        group.Barrier();
        return final;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        Model.Dispose();
    }
}
