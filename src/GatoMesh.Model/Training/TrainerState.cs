using System.Globalization;
using System.Text;
using System.Text.Json;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>
/// <c>trainer.json</c> of a checkpoint: the steps taken, the loss of every one of them, and the
/// options that decide which batch each step sees. Batches derive from (seed, step), so the step
/// is the whole position of the data stream; the options are compared on resume because a run
/// continued with another seed, batch or length would silently stop being the same run.
/// Doubles are written in round-trip form, so the restored loss history is bitwise the saved one.
/// </summary>
internal sealed record TrainerState
{
    public const string FileName = "trainer.json";

    public required long Step { get; init; }
    public required long Steps { get; init; }
    public required string Preset { get; init; }
    public required ulong Seed { get; init; }
    public required int BatchSize { get; init; }
    public required int SequenceLength { get; init; }
    /// <summary>Timesteps of history the run trained on (0: no limit); serving uses the same window.
    /// Absent in older checkpoints, which read as 0.</summary>
    public int History { get; init; }
    /// <summary><see cref="TrainerOptions.Precision"/>'s name (fp32, bf16). Absent in older checkpoints, which read as fp32.</summary>
    public string Precision { get; init; } = ComputePrecision.Float32.Name();
    /// <summary><see cref="TrainerOptions.TaskWeights"/> and <see cref="TrainerOptions.LossWeights"/> as given, in the
    /// canonical form of <see cref="WeightsText"/> ("" for none): the task weights decide which task each sequence
    /// is drawn from. Absent (null) in older checkpoints, which are not compared.</summary>
    public string? TaskWeights { get; init; }
    public string? LossWeights { get; init; }
    public required List<double> Losses { get; init; }

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static TrainerState Of(TrainerOptions options, long step, IEnumerable<double> losses) => new()
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
        Losses = losses.ToList(),
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

    /// <summary>"catch=2.5,gridworld=4": the entries sorted by task name, each weight in round-trip form, so equal
    /// maps give equal text whatever order they were written in.</summary>
    public static string WeightsText(IReadOnlyDictionary<string, double> weights) =>
        string.Join(",", weights.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("R", CultureInfo.InvariantCulture)}"));

    /// <summary>Throws naming the first option that differs from the checkpoint's.</summary>
    public void RequireSameRun(TrainerOptions options, string dir)
    {
        Same("--preset", Preset, options.Config.Preset);
        Same("--seed", Seed, options.Seed);
        Same("--batch-size", BatchSize, options.BatchSize);
        Same("--sequence-length", SequenceLength, options.SequenceLength);
        Same("--history", History, options.History);
        Same("--precision", Precision, options.Precision.Name());
        if (TaskWeights is not null) Same("--task-weights", TaskWeights, WeightsText(options.TaskWeights));
        if (LossWeights is not null) Same("--loss-weights", LossWeights, WeightsText(options.LossWeights));
        if (Step > options.Steps)
            throw new InvalidTrainingOptionException("--steps", options.Steps, $"the checkpoint in {dir} is already at step {Step}");

        void Same<T>(string option, T saved, T given)
        {
            if (!EqualityComparer<T>.Default.Equals(saved, given))
                throw new InvalidTrainingOptionException(option, given, $"the checkpoint in {dir} was trained with {saved}; resume with the same value or another --out");
        }
    }
}
