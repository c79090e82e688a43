using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>
/// <c>trainer.json</c> of a checkpoint, the one run-state format of the single-process and the data-parallel
/// trainer: the steps taken, the loss of every one of them (and each task's, where the trainer measured it), the
/// options that decide which batch each step sees and how its math is cut (<see cref="MicroBatches"/>), how the
/// checkpoint was written (<see cref="WorldSize"/>, <see cref="Parallelism"/>, which may change on resume), and
/// where the run came from (<see cref="Provenance"/>). Batches derive from (seed, step), so the step is the whole
/// position of the data stream; the options are compared on resume because a run continued with another seed,
/// batch or length would silently stop being the same run. Doubles are written in round-trip form, so the
/// restored loss history is bitwise the saved one. A field absent from an older checkpoint reads as the default
/// named on it.
/// </summary>
internal sealed record TrainerState
{
    public const string FileName = "trainer.json";

    public required long Step { get; init; }
    /// <summary>The run's total steps: the end of the cosine decay (fitted to the time budget when there is one).</summary>
    public required long Steps { get; init; }
    public required string Preset { get; init; }
    public required ulong Seed { get; init; }
    public required int BatchSize { get; init; }
    public required int SequenceLength { get; init; }
    /// <summary>Timesteps of history the run trained on (0: no limit); serving uses the same window. Absent: 0.</summary>
    public int History { get; init; }
    /// <summary><see cref="TrainerOptions.Precision"/>'s name (fp32, bf16). Absent: fp32.</summary>
    public string Precision { get; init; } = ComputePrecision.Float32.Name();
    /// <summary><see cref="TrainerOptions.TaskWeights"/> and <see cref="TrainerOptions.LossWeights"/> in the canonical
    /// form of <see cref="WeightsText"/> ("" for none). Absent (null) in older checkpoints, which are not compared.</summary>
    public string? TaskWeights { get; init; }
    public string? LossWeights { get; init; }
    /// <summary><see cref="TrainerOptions.PromptProbability"/>. Absent (null): not compared.</summary>
    public double? PromptProbability { get; init; }
    /// <summary><see cref="TrainerOptions.Minutes"/>: the time budget <see cref="Steps"/> was fitted to, null for a
    /// run counted in steps.</summary>
    public double? Minutes { get; init; }
    /// <summary>Micro-batches a global batch is cut into (<see cref="DistributedTrainerOptions.MicroBatches"/>; 1 for
    /// the single-process trainer): part of a step's math, so fixed for the run. Absent: 1.</summary>
    public int MicroBatches { get; init; } = 1;
    /// <summary>Processes that wrote the checkpoint and how they kept the optimizer; a resume may use others. Absent: 1, replicated.</summary>
    public int WorldSize { get; init; } = 1;
    public DataParallelism Parallelism { get; init; } = DataParallelism.Replicated;
    /// <summary>The command and commit of the run (<see cref="RunProvenance"/>); null when not given.</summary>
    public RunProvenance? Provenance { get; init; }
    /// <summary>The seed the data directory was generated from (its manifest's tasks' first seed).</summary>
    public ulong? DataSeed { get; init; }
    public required List<double> Losses { get; init; }
    /// <summary>Each sampled task's mean loss over its own masked tokens at every step (null at a step that drew
    /// none of its sequences); written by the single-process trainer.</summary>
    public Dictionary<string, List<double?>>? TaskLosses { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static TrainerState Of(TrainerOptions options, long step, IEnumerable<double> losses, int microBatches = 1, int worldSize = 1,
        DataParallelism parallelism = DataParallelism.Replicated, Dictionary<string, List<double?>>? taskLosses = null, ulong? dataSeed = null) => new()
    {
        Step = step,
        Steps = options.Steps,
        Preset = options.Config.Preset,
        Seed = options.Seed,
        BatchSize = options.BatchSize,
        SequenceLength = options.SequenceLength,
        History = options.History,
        Precision = options.Precision.Name(),
        TaskWeights = WeightsText(options.TaskWeights),
        LossWeights = WeightsText(options.LossWeights),
        PromptProbability = options.PromptProbability,
        Minutes = options.Minutes,
        MicroBatches = microBatches,
        WorldSize = worldSize,
        Parallelism = parallelism,
        Provenance = options.Provenance,
        DataSeed = dataSeed,
        Losses = losses.ToList(),
        TaskLosses = taskLosses,
    };

    public void Save(string dir)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json) + "\n");
        AtomicFile.Write(Path.Combine(dir, FileName), stream => stream.Write(bytes));
    }

    public static TrainerState Load(string dir)
    {
        var path = Path.Combine(dir, FileName);
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path}: empty trainer state");
        if (state.Losses.Count != state.Step)
            throw new InvalidDataException($"{path}: {state.Losses.Count} losses for {state.Step} steps");
        return state;
    }

    /// <summary>The state of a checkpoint folder, or null for one without (a seeded checkpoint).</summary>
    public static TrainerState? TryLoad(string dir) => File.Exists(Path.Combine(dir, FileName)) ? Load(dir) : null;

    /// <summary>"catch=2.5,gridworld=4": the entries sorted by task name, each weight in round-trip form, so equal
    /// maps give equal text whatever order they were written in.</summary>
    public static string WeightsText(IReadOnlyDictionary<string, double> weights) =>
        string.Join(",", weights.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("R", CultureInfo.InvariantCulture)}"));

    /// <summary>Throws naming the first option field that differs from the checkpoint's.</summary>
    public void RequireSameRun(TrainerOptions options, int microBatches, string dir)
    {
        Same(nameof(TrainerOptions.Config), Preset, options.Config.Preset);
        Same(nameof(TrainerOptions.Seed), Seed, options.Seed);
        Same(nameof(TrainerOptions.BatchSize), BatchSize, options.BatchSize);
        Same(nameof(TrainerOptions.SequenceLength), SequenceLength, options.SequenceLength);
        Same(nameof(TrainerOptions.History), History, options.History);
        Same(nameof(TrainerOptions.Precision), Precision, options.Precision.Name());
        Same(nameof(DistributedTrainerOptions.MicroBatches), MicroBatches, microBatches);
        if (TaskWeights is not null) Same(nameof(TrainerOptions.TaskWeights), TaskWeights, WeightsText(options.TaskWeights));
        if (LossWeights is not null) Same(nameof(TrainerOptions.LossWeights), LossWeights, WeightsText(options.LossWeights));
        if (PromptProbability is { } p) Same(nameof(TrainerOptions.PromptProbability), p, options.PromptProbability);
        if (Minutes is not null || options.Minutes is not null) Same(nameof(TrainerOptions.Minutes), Minutes, options.Minutes);
        if (Minutes is null && Step > options.Steps)
            throw new InvalidTrainingOptionException(nameof(TrainerOptions.Steps), options.Steps, $"the checkpoint in {dir} is already at step {Step}");

        void Same<T>(string field, T saved, T given)
        {
            if (!EqualityComparer<T>.Default.Equals(saved, given))
                throw new InvalidTrainingOptionException(field, given, $"the checkpoint in {dir} was trained with {saved}; resume with the same value or another output directory");
        }
    }
}

/// <summary>Where a run came from, recorded in its trainer.json so shipped weights say how to make them again: the
/// command line and the source commit (null outside a git checkout).</summary>
public sealed record RunProvenance(string Command, string? Commit);
