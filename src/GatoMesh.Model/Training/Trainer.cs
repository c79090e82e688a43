using System.Diagnostics;
using GatoMesh.Tokens;
using GatoMesh.Torch.Optim;

namespace GatoMesh.Model;

/// <summary>Where a run stands after a step: its loss, the learning rate it used, throughput and the
/// time left at that rate.</summary>
public readonly record struct TrainerProgress(long Step, long Steps, double Loss, double LearningRate, double TokensPerSecond, TimeSpan Remaining);

/// <summary>What a run did: the steps reached, the last loss, tokens per second over this run,
/// the last checkpoint, and the loss of every step overall and per task.</summary>
public sealed record TrainerReport(long Steps, double FinalLoss, double TokensPerSecond, string Checkpoint, LossHistory History);

/// <summary>The loss of every step of a run, overall and per task: a task's mean loss over its own masked tokens,
/// null at a step that drew none of its sequences (or where the trainer did not measure it).</summary>
public sealed record LossHistory(IReadOnlyList<double> Losses, IReadOnlyDictionary<string, IReadOnlyList<double?>> TaskLosses);

/// <summary>
/// Single-process Gato training (paper section 2.3; docs/TRAINING.md): AdamW (0.9, 0.95), linear
/// warmup then cosine decay to a tenth of the peak, global gradient clipping, tasks sampled by
/// weight, prompt conditioning, dropout per the config. Step s trains on sequences
/// <c>s*B .. s*B+B-1</c> of the data stream and seeds dropout from (seed, s), so everything a step
/// does follows from the seed, the step and the weights: a checkpoint (model, optimizer moments,
/// step, losses) resumes to the very losses the uninterrupted run has. With a time budget
/// (<see cref="TrainerOptions.Minutes"/>) the run's step count is fitted to the budget first.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string CheckpointsDirectory = "checkpoints";
    public const string LatestFile = "latest";
    public const string OptimizerFile = "optimizer.safetensors";
    internal const ulong DropoutSalt = 0x3C6E_F372_FE94_F82BUL;

    /// <summary>Steps a time-budgeted run measures its speed over before it fits its step count (at least; the
    /// warmup if longer): enough that start-up costs are a small part of the figure.</summary>
    public const long FitSteps = 20;

    /// <summary>The share of the budget left after the fit that the fitted steps are planned to fill: a margin for
    /// the final checkpoint and for a machine that slows down a little.</summary>
    const double FitMargin = 0.97;

    TrainerOptions options;
    /// <summary>The most steps a budgeted run may take (<see cref="TrainerOptions.Steps"/> as given).</summary>
    readonly long cap;
    readonly TrainingData data;
    readonly AdamW optimizer;
    readonly TrainStep trainStep;
    LearningRateSchedule schedule;
    readonly List<double> losses;
    readonly Dictionary<string, List<double?>> taskLosses;
    readonly TokenBuffer[] buffers;
    readonly Stopwatch opened;
    bool fitted;

    Trainer(TrainerOptions options, TrainingData data, RunDirectory.Resumption resumed, Stopwatch opened)
    {
        this.opened = opened;
        this.data = data;
        Model = resumed.Model;
        Model.Precision = options.Precision;
        optimizer = new AdamW(Model.NamedParameters().Select(p => KeyValuePair.Create(p.Name, p.Tensor)), new AdamWOptions
        {
            LearningRate = options.PeakLearningRate, Beta1 = 0.9, Beta2 = 0.95, WeightDecay = options.WeightDecay,
        });
        trainStep = new TrainStep(Model, optimizer, options.ClipNorm);
        var state = resumed.State;
        // A resumed budgeted run keeps the step count it was fitted to.
        fitted = options.Minutes is null || state is not null && state.Step >= FitAfter(options);
        cap = options.Steps;
        this.options = options.Minutes is not null && state is not null ? options with { Steps = state.Steps } : options;
        schedule = Schedule(this.options);
        losses = state?.Losses ?? [];
        taskLosses = data.Tasks.ToDictionary(t => t, t => state?.TaskLosses?.GetValueOrDefault(t) ?? [.. Enumerable.Repeat<double?>(null, losses.Count)]);
        Step = state?.Step ?? 0;
        ResumedFrom = resumed.Checkpoint;
        buffers = Enumerable.Range(0, options.BatchSize).Select(_ => new TokenBuffer()).ToArray();
    }

    public GatoModel Model { get; }

    /// <summary>Steps taken so far (the next step's index).</summary>
    public long Step { get; private set; }

    /// <summary>The run's total steps: the options' or, with a time budget, the fitted count (until the fit, the options' cap).</summary>
    public long Steps => options.Steps;

    /// <summary>The loss of every step taken, resumed ones included.</summary>
    public IReadOnlyList<double> Losses => losses;

    /// <summary>The losses of every step taken, overall and per task.</summary>
    public LossHistory History => new(losses, taskLosses.ToDictionary(p => p.Key, p => (IReadOnlyList<double?>)p.Value));

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
        var opened = Stopwatch.StartNew();
        Validate(options);
        var data = TrainingData.Load(options);
        var resumed = RunDirectory.Resume(options, microBatches: 1, data.LocalGrids);
        try
        {
            var trainer = new Trainer(options, data, resumed, opened);
            if (resumed.Checkpoint is { } checkpoint) RunDirectory.LoadOptimizer(trainer.optimizer, checkpoint);
            return trainer;
        }
        catch
        {
            resumed.Model.Dispose();
            throw;
        }
    }

    internal static void Validate(TrainerOptions o)
    {
        if (o.Steps <= 0) throw new InvalidTrainingOptionException(nameof(o.Steps), o.Steps, "must be at least 1");
        if (o.Minutes is { } minutes && !(minutes > 0 && double.IsFinite(minutes)))
            throw new InvalidTrainingOptionException(nameof(o.Minutes), minutes, "must be a positive number of minutes");
        if (o.BatchSize <= 0) throw new InvalidTrainingOptionException(nameof(o.BatchSize), o.BatchSize, "must be at least 1");
        if (o.SequenceLength < 2 || o.SequenceLength > o.Config.Context)
            throw new InvalidTrainingOptionException(nameof(o.SequenceLength), o.SequenceLength, $"must lie in [2, {o.Config.Context}] (the {o.Config.Preset} context)");
        if (!(o.PeakLearningRate > 0) || double.IsInfinity(o.PeakLearningRate))
            throw new InvalidTrainingOptionException(nameof(o.PeakLearningRate), o.PeakLearningRate, "must be finite and > 0");
        if (o.WarmupSteps < 0) throw new InvalidTrainingOptionException(nameof(o.WarmupSteps), o.WarmupSteps, "must be >= 0");
        if (!(o.WeightDecay >= 0) || double.IsInfinity(o.WeightDecay))
            throw new InvalidTrainingOptionException(nameof(o.WeightDecay), o.WeightDecay, "must be finite and >= 0");
        if (!(o.ClipNorm > 0)) throw new InvalidTrainingOptionException(nameof(o.ClipNorm), o.ClipNorm, "must be > 0");
        if (!(o.PromptProbability is >= 0 and <= 1))
            throw new InvalidTrainingOptionException(nameof(o.PromptProbability), o.PromptProbability, "must lie in [0, 1]");
        if (o.History < 0) throw new InvalidTrainingOptionException(nameof(o.History), o.History, "must be 0 (no limit) or a number of timesteps");
        if (o.CheckpointEvery <= 0) throw new InvalidTrainingOptionException(nameof(o.CheckpointEvery), o.CheckpointEvery, "must be at least 1");
        if (string.IsNullOrWhiteSpace(o.OutputDirectory)) throw new InvalidTrainingOptionException(nameof(o.OutputDirectory), o.OutputDirectory, "an output directory is required");
    }

    static LearningRateSchedule Schedule(TrainerOptions o) => new(o.PeakLearningRate, Math.Min(o.WarmupSteps, o.Steps), o.Steps);

    /// <summary>The step after which a budgeted run fits its step count: its speed is measured past the warmup, whose
    /// rates do not depend on the total, so the steps before the fit ran at the rates of the fitted run.</summary>
    static long FitAfter(TrainerOptions o) => Math.Max(FitSteps, Math.Min(o.WarmupSteps, o.Steps));

    /// <summary>The history a checkpoint folder was trained with (<see cref="TrainerOptions.History"/>): 0 (no
    /// limit) without a trainer.json or for runs from before the option.</summary>
    public static int HistoryOf(string checkpointDirectory) => TrainerState.TryLoad(checkpointDirectory)?.History ?? 0;

    /// <summary>The sequence length a checkpoint folder was trained with, the window it is best probed with;
    /// <see cref="DefaultProbeSequenceLength"/> for a folder without a trainer state (a seeded checkpoint).</summary>
    public static int SequenceLengthOf(string checkpointDirectory) =>
        TrainerState.TryLoad(checkpointDirectory)?.SequenceLength ?? DefaultProbeSequenceLength;

    public const int DefaultProbeSequenceLength = 256;

    /// <summary>The loss history in a checkpoint folder's trainer.json (every step up to it), or null without one.</summary>
    public static LossHistory? LossesOf(string checkpointDirectory) => TrainerState.TryLoad(checkpointDirectory) is { } state
        ? new LossHistory(state.Losses, state.TaskLosses?.ToDictionary(p => p.Key, p => (IReadOnlyList<double?>)p.Value) ?? [])
        : null;

    /// <summary>The provenance and data seed a checkpoint's trainer.json records, or null without one.</summary>
    public static (RunProvenance? Provenance, ulong? DataSeed, ulong Seed, long Step)? ProvenanceOf(string checkpointDirectory) =>
        TrainerState.TryLoad(checkpointDirectory) is { } state ? (state.Provenance, state.DataSeed, state.Seed, state.Step) : null;

    /// <summary>The checkpoint folder <c>out/latest</c> names, or null when there is none yet.</summary>
    public static string? LatestCheckpoint(string outputDirectory)
    {
        var pointer = Path.Combine(outputDirectory, LatestFile);
        if (!File.Exists(pointer)) return null;
        var dir = Path.Combine(outputDirectory, File.ReadAllText(pointer).Trim());
        return Directory.Exists(dir) ? dir : throw new InvalidDataException($"{pointer} names {dir}, which does not exist");
    }

    /// <summary>
    /// Trains until step <paramref name="until"/> (the run's total by default) or, with a time budget, until the
    /// budget is spent, saving a checkpoint every <see cref="TrainerOptions.CheckpointEvery"/> steps and at the end.
    /// Cancelling stops after the current step, with a checkpoint.
    /// </summary>
    public TrainerReport Run(long? until = null, Action<TrainerProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        long tokens = 0, first = Step;
        string? checkpoint = null;
        var budget = options.Minutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        // A budgeted invocation takes at least one step, even on a machine that spent the budget loading the data.
        while (Step < Math.Min(until ?? Steps, Steps) && !cancel.IsCancellationRequested && (budget is not { } b || opened.Elapsed < b || Step == first))
        {
            var loss = TrainOne();
            tokens += (long)options.BatchSize * options.SequenceLength;
            // Fitted once the warmup is measured, and again at every checkpoint: a shared machine's speed drifts, and
            // a cosine fitted to the first minute alone would be cut short (or end early) when it does.
            if (options.Minutes is not null && Step >= FitAfter(options) && (!fitted || Step % options.CheckpointEvery == 0))
                Fit(clock.Elapsed, Step - first);
            var rate = tokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            var end = Math.Min(until ?? Steps, Steps);
            var seconds = clock.Elapsed.TotalSeconds / (Step - first) * Math.Max(0, end - Step);
            // Before its fit a budgeted run's end is a cap, not a plan: the budget is what is left.
            if (budget is { } limit) seconds = Math.Min(seconds, Math.Max(0, (limit - opened.Elapsed).TotalSeconds));
            var remaining = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
            progress?.Invoke(new TrainerProgress(Step, Steps, loss, schedule.At(Step - 1), rate, remaining));
            if (Step % options.CheckpointEvery == 0 && Step < end)
                checkpoint = SaveCheckpoint();
        }
        // A budget spent before the fit leaves no plan: the run is what it did.
        if (!fitted)
        {
            options = options with { Steps = Math.Max(Step, 1) };
            schedule = Schedule(options);
            fitted = true;
        }
        if (checkpoint is null || !checkpoint.EndsWith(RunDirectory.StepDirectory(Step), StringComparison.Ordinal))
            checkpoint = SaveCheckpoint();
        return new TrainerReport(Step, losses.Count > 0 ? losses[^1] : double.NaN,
            tokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), checkpoint, History);
    }

    /// <summary>Sets the run's step count to what the rest of the budget holds at the speed of this invocation's steps
    /// so far (never below the next step).</summary>
    void Fit(TimeSpan elapsed, long stepsRun)
    {
        var perStep = elapsed.TotalSeconds / Math.Max(1, stepsRun);
        var left = TimeSpan.FromMinutes(options.Minutes!.Value) - opened.Elapsed;
        var steps = Step + Math.Max(1, (long)(left.TotalSeconds * FitMargin / perStep));
        options = options with { Steps = Math.Max(Step + 1, Math.Min(steps, cap)) };
        schedule = Schedule(options);
        fitted = true;
    }

    /// <summary>One optimizer step on this step's batch; returns its loss.</summary>
    double TrainOne()
    {
        // Reseeding the model's dropout generator per step makes the masks a function of the step.
        Model.DropoutGenerator.ManualSeed(SeededRandom.For(options.Seed ^ DropoutSalt, Step).NextUInt64());
        var weights = new double[buffers.Length];
        var tasks = new int[buffers.Length];
        for (var b = 0; b < buffers.Length; b++)
        {
            tasks[b] = data.Build(Step * options.BatchSize + b, buffers[b]);
            weights[b] = data.LossWeights[tasks[b]];
        }
        optimizer.LearningRate = schedule.At(Step);
        var result = trainStep.Run(TrainingBatch.Collate(buffers, weights) with { SequenceGroups = tasks });
        losses.Add(result.Loss);
        for (var t = 0; t < data.Tasks.Count; t++)
            taskLosses[data.Tasks[t]].Add(result.GroupLosses is { } g && t < g.Length && double.IsFinite(g[t]) ? g[t] : null);
        Step++;
        return result.Loss;
    }

    /// <summary>
    /// Writes <c>out/checkpoints/step-K/</c> (model, optimizer moments, trainer state, the data's text model) under a
    /// temporary name, renames it into place, then points <c>out/latest</c> at it (<see cref="RunDirectory"/>).
    /// </summary>
    public string SaveCheckpoint()
    {
        var staging = RunDirectory.Stage(options.OutputDirectory, Step);
        Checkpoint.Save(Model, staging);
        RunDirectory.CopyTextModel(data, staging);
        RunDirectory.SaveOptimizer(optimizer, Path.Combine(staging, OptimizerFile));
        TrainerState.Of(options, Step, losses, taskLosses: taskLosses, dataSeed: data.DataSeed).Save(staging);
        return RunDirectory.Publish(options.OutputDirectory, Step);
    }

    public void Dispose()
    {
        optimizer.Dispose();
        Model.Dispose();
    }
}
