using System.Diagnostics;
using GatoMesh.Tokens;
using GatoMesh.Torch;
using GatoMesh.Torch.Optim;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>Where a run stands after a step: its loss, the learning rate it used, throughput and the
/// time left at that rate.</summary>
public readonly record struct TrainerProgress(long Step, long Steps, double Loss, double LearningRate, double TokensPerSecond, TimeSpan Remaining);

/// <summary>What a run did: the steps reached, the last loss, tokens per second over this run,
/// the last checkpoint and the loss curve.</summary>
public sealed record TrainerReport(long Steps, double FinalLoss, double TokensPerSecond, string Checkpoint, string LossCurve, IReadOnlyList<double> Losses);

/// <summary>
/// Single-process Gato training (paper section 2.3; docs/TRAINING.md): AdamW (0.9, 0.95), linear
/// warmup then cosine decay to a tenth of the peak, global gradient clipping, tasks sampled by
/// weight, prompt conditioning, dropout per the config. Step s trains on sequences
/// <c>s*B .. s*B+B-1</c> of the data stream and seeds dropout from (seed, s), so everything a step
/// does follows from the seed, the step and the weights: a checkpoint (model, optimizer moments,
/// step, losses) resumes to the very losses the uninterrupted run has.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string CheckpointsDirectory = "checkpoints";
    public const string LatestFile = "latest";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string LossCurveFile = "loss.png";
    internal const ulong DropoutSalt = 0x3C6E_F372_FE94_F82BUL;

    readonly TrainerOptions options;
    readonly TrainingData data;
    readonly AdamW optimizer;
    readonly TrainStep trainStep;
    readonly LearningRateSchedule schedule;
    readonly List<double> losses;
    readonly TokenBuffer[] buffers;

    Trainer(TrainerOptions options, TrainingData data, GatoModel model, TrainerState? resumed, string? resumedFrom)
    {
        this.options = options;
        this.data = data;
        Model = model;
        model.Precision = options.Precision;
        optimizer = new AdamW(model.NamedParameters().Select(p => KeyValuePair.Create(p.Name, p.Tensor)), new AdamWOptions
        {
            LearningRate = options.PeakLearningRate, Beta1 = 0.9, Beta2 = 0.95, WeightDecay = options.WeightDecay,
        });
        trainStep = new TrainStep(model, optimizer, options.ClipNorm);
        schedule = new LearningRateSchedule(options.PeakLearningRate, Math.Min(options.WarmupSteps, options.Steps), options.Steps);
        losses = resumed?.Losses ?? [];
        Step = resumed?.Step ?? 0;
        ResumedFrom = resumedFrom;
        buffers = Enumerable.Range(0, options.BatchSize).Select(_ => new TokenBuffer()).ToArray();
    }

    public GatoModel Model { get; }

    /// <summary>Steps taken so far (the next step's index).</summary>
    public long Step { get; private set; }

    /// <summary>The loss of every step taken, resumed ones included.</summary>
    public IReadOnlyList<double> Losses => losses;

    /// <summary>The checkpoint this trainer resumed from, or null for a fresh model.</summary>
    public string? ResumedFrom { get; }

    /// <summary>Tasks sampled and their weights.</summary>
    public IReadOnlyList<string> Tasks => data.Tasks;
    public IReadOnlyList<double> TaskWeights => data.Weights;

    /// <summary>The sampled tasks' 2-D discrete fields whose local positions a fresh model starts on a lattice
    /// (<see cref="TrainingData.LocalGrids"/>); a resumed model has its trained rows.</summary>
    public IReadOnlyList<LocalGrid> LocalGrids => data.LocalGrids;

    /// <summary>Each sampled task's loss weight (1 unless <see cref="TrainerOptions.LossWeights"/> says otherwise).</summary>
    public IReadOnlyList<double> LossWeights => data.LossWeights;

    /// <summary>
    /// Validates <paramref name="options"/>, reads the data, and either resumes from the checkpoint
    /// <c>out/latest</c> names (model, optimizer, step, losses) or starts from a model initialized
    /// with the seed.
    /// </summary>
    public static Trainer Open(TrainerOptions options)
    {
        Validate(options);
        var data = TrainingData.Load(options);
        GatoModel? model = null;
        try
        {
            var latest = LatestCheckpoint(options.OutputDirectory);
            TrainerState? state = null;
            if (latest is not null)
            {
                state = TrainerState.Load(latest);
                state.RequireSameRun(options, latest);
                var saved = Checkpoint.ReadConfig(latest);
                if (saved != options.Config)
                    throw new InvalidTrainingOptionException("--preset", options.Config.Preset, $"the checkpoint in {latest} has another model config ({saved.Preset})");
                model = Checkpoint.Load(latest);
            }
            model ??= new GatoModel(options.Config, options.Seed, localGrids: data.LocalGrids);
            var trainer = new Trainer(options, data, model, state, latest);
            if (latest is not null)
            {
                using var moments = SafetensorsFile.Load(Path.Combine(latest, OptimizerFile));
                trainer.optimizer.LoadState(moments.Tensors.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
            }
            return trainer;
        }
        catch
        {
            model?.Dispose();
            data.Dispose();
            throw;
        }
    }

    internal static void Validate(TrainerOptions o)
    {
        if (o.Steps <= 0) throw new InvalidTrainingOptionException("--steps", o.Steps, "must be at least 1");
        if (o.BatchSize <= 0) throw new InvalidTrainingOptionException("--batch-size", o.BatchSize, "must be at least 1");
        if (o.SequenceLength < 2 || o.SequenceLength > o.Config.Context)
            throw new InvalidTrainingOptionException("--sequence-length", o.SequenceLength, $"must lie in [2, {o.Config.Context}] (the {o.Config.Preset} context)");
        if (!(o.PeakLearningRate > 0) || double.IsInfinity(o.PeakLearningRate))
            throw new InvalidTrainingOptionException("--lr", o.PeakLearningRate, "must be finite and > 0");
        if (o.WarmupSteps < 0) throw new InvalidTrainingOptionException("--warmup", o.WarmupSteps, "must be >= 0");
        if (!(o.WeightDecay >= 0) || double.IsInfinity(o.WeightDecay))
            throw new InvalidTrainingOptionException("--weight-decay", o.WeightDecay, "must be finite and >= 0");
        if (!(o.ClipNorm > 0)) throw new InvalidTrainingOptionException("--clip", o.ClipNorm, "must be > 0");
        if (!(o.PromptProbability is >= 0 and <= 1))
            throw new InvalidTrainingOptionException("--prompt-probability", o.PromptProbability, "must lie in [0, 1]");
        if (o.History < 0) throw new InvalidTrainingOptionException("--history", o.History, "must be 0 (no limit) or a number of timesteps");
        if (o.History > 0 && o.PromptProbability > 0)
            throw new InvalidTrainingOptionException("--prompt-probability", o.PromptProbability, "must be 0 with --history: packed windows take no prompts");
        if (o.CheckpointEvery <= 0) throw new InvalidTrainingOptionException("--checkpoint-every", o.CheckpointEvery, "must be at least 1");
        if (string.IsNullOrWhiteSpace(o.OutputDirectory)) throw new InvalidTrainingOptionException("--out", o.OutputDirectory, "an output directory is required");
    }

    /// <summary>A checkpoint is self-contained for serving: text observations tokenize with the very
    /// SentencePiece model the training data was encoded with (docs/TRAINING.md, "Run directory").</summary>
    internal static void CopyTextModel(TrainingData data, string checkpointDirectory)
    {
        if (data.TextModelPath is { } textModel)
            File.Copy(textModel, Path.Combine(checkpointDirectory, SentencePieceTrainer.ModelFileName), overwrite: true);
    }

    /// <summary>The history a checkpoint folder was trained with (<see cref="TrainerOptions.History"/>): 0 (no
    /// limit) without a trainer.json or for runs from before the option.</summary>
    public static int HistoryOf(string checkpointDirectory) => StateOf(checkpointDirectory)?.History ?? 0;

    /// <summary>The sequence length a checkpoint folder was trained with, the window it is best probed with;
    /// <see cref="DefaultProbeSequenceLength"/> for a folder without a trainer state (a seeded checkpoint).</summary>
    public static int SequenceLengthOf(string checkpointDirectory) =>
        StateOf(checkpointDirectory)?.SequenceLength ?? DefaultProbeSequenceLength;

    public const int DefaultProbeSequenceLength = 256;

    static TrainerState? StateOf(string checkpointDirectory) =>
        File.Exists(Path.Combine(checkpointDirectory, TrainerState.FileName)) ? TrainerState.Load(checkpointDirectory) : null;

    /// <summary>The checkpoint folder <c>out/latest</c> names, or null when there is none yet.</summary>
    public static string? LatestCheckpoint(string outputDirectory)
    {
        var pointer = Path.Combine(outputDirectory, LatestFile);
        if (!File.Exists(pointer)) return null;
        var dir = Path.Combine(outputDirectory, File.ReadAllText(pointer).Trim());
        return Directory.Exists(dir) ? dir : throw new InvalidDataException($"{pointer} names {dir}, which does not exist");
    }

    /// <summary>
    /// Trains until step <paramref name="until"/> (the options' total by default), saving a
    /// checkpoint and the loss curve every <see cref="TrainerOptions.CheckpointEvery"/> steps and at
    /// the end. Cancelling stops after the current step, with a checkpoint.
    /// </summary>
    public TrainerReport Run(long? until = null, Action<TrainerProgress>? progress = null, CancellationToken cancel = default)
    {
        var end = Math.Min(until ?? options.Steps, options.Steps);
        var clock = Stopwatch.StartNew();
        long tokens = 0, first = Step;
        string? checkpoint = null;
        while (Step < end && !cancel.IsCancellationRequested)
        {
            var loss = TrainOne();
            tokens += (long)options.BatchSize * options.SequenceLength;
            var rate = tokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            var remaining = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / (Step - first) * (end - Step));
            progress?.Invoke(new TrainerProgress(Step, options.Steps, loss, schedule.At(Step - 1), rate, remaining));
            if (Step % options.CheckpointEvery == 0 && Step < end)
                checkpoint = SaveCheckpoint();
        }
        if (checkpoint is null || !checkpoint.EndsWith(StepDirectory(Step), StringComparison.Ordinal))
            checkpoint = SaveCheckpoint();
        return new TrainerReport(Step, losses.Count > 0 ? losses[^1] : double.NaN,
            tokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), checkpoint, Path.Combine(options.OutputDirectory, LossCurveFile), losses);
    }

    /// <summary>One optimizer step on this step's batch; returns its loss.</summary>
    double TrainOne()
    {
        // Reseeding the model's dropout generator per step makes the masks a function of the step.
        Model.DropoutGenerator.ManualSeed(Tokens.SeededRandom.For(options.Seed ^ DropoutSalt, Step).NextUInt64());
        var weights = new double[buffers.Length];
        for (var b = 0; b < buffers.Length; b++)
            weights[b] = data.LossWeights[data.Build(Step * options.BatchSize + b, buffers[b])];
        optimizer.LearningRate = schedule.At(Step);
        var result = trainStep.Run(TrainingBatch.Collate(buffers, weights));
        losses.Add(result.Loss);
        Step++;
        return result.Loss;
    }

    internal static string StepDirectory(long step) => $"step-{step:D8}";

    /// <summary>
    /// Writes <c>out/checkpoints/step-K/</c> (model, optimizer moments, trainer state) under a
    /// temporary name, renames it into place, then points <c>out/latest</c> at it, so a crash at any
    /// moment leaves <c>latest</c> naming a complete checkpoint. Also redraws <c>out/loss.png</c>.
    /// </summary>
    public string SaveCheckpoint()
    {
        var root = Path.Combine(options.OutputDirectory, CheckpointsDirectory);
        var name = StepDirectory(Step);
        var final = Path.Combine(root, name);
        var staging = final + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        Checkpoint.Save(Model, staging);
        CopyTextModel(data, staging);
        var state = optimizer.State();
        try
        {
            SafetensorsFile.Save(Path.Combine(staging, OptimizerFile), state.Select(p => (p.Key, p.Value)).ToList());
        }
        finally
        {
            foreach (var (_, tensor) in state) tensor.Dispose();
        }
        TrainerState.Of(options, Step, losses).Save(staging);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(staging, final);
        var pointer = System.Text.Encoding.UTF8.GetBytes($"{CheckpointsDirectory}/{name}\n");
        AtomicFile.Write(Path.Combine(options.OutputDirectory, LatestFile), stream => stream.Write(pointer));
        LossCurvePng.Write(Path.Combine(options.OutputDirectory, LossCurveFile), losses);
        return final;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        Model.Dispose();
        data.Dispose();
    }
}
