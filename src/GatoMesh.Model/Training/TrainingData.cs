using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Model;

/// <summary>
/// The training stream of a data directory: every task's episodes from its shards, one
/// <see cref="SequenceBuilder"/> per task (prompts come from the same task, paper section 2.3), the
/// captioned images as one more task (a <see cref="VisionLanguageSequenceBuilder"/>), and a
/// weighted task choice. Sequence i of the run depends only on (seed, i): the task is drawn from
/// <c>SeededRandom.For(seed ^ TaskSalt, i)</c> and the sequence is that task's builder's sequence i,
/// so a resumed run sees exactly the batches the uninterrupted one would.
/// </summary>
internal sealed class TrainingData
{
    const ulong TaskSalt = 0x7A5C_3E11_9B02_D4F7UL;

    readonly SentencePieceTokenizer? text;
    readonly Action<long, TokenBuffer>[] builders;
    readonly double[] cumulative;
    readonly ulong seed;

    TrainingData(SentencePieceTokenizer? text, IReadOnlyList<string> tasks, Action<long, TokenBuffer>[] builders, double[] weights,
        double[] lossWeights, ulong seed)
    {
        this.text = text;
        this.builders = builders;
        this.seed = seed;
        Tasks = tasks;
        Weights = weights;
        LossWeights = lossWeights;
        cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++) cumulative[i] = sum += weights[i];
    }

    /// <summary>Task names in manifest order, and their sampling weights (not normalized).</summary>
    public IReadOnlyList<string> Tasks { get; }
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Each task's loss weight (<see cref="TrainerOptions.LossWeights"/>), in the order of <see cref="Tasks"/>.</summary>
    public IReadOnlyList<double> LossWeights { get; }

    /// <summary>The data's SentencePiece model file, or null when the data has no text. Checkpoints
    /// carry a copy, so the sessions serving one encode text exactly as training did.</summary>
    public string? TextModelPath => text?.ModelPath;

    /// <summary>The seed the data directory was generated from (its manifest's first task's first seed).</summary>
    public ulong? DataSeed { get; private init; }

    /// <summary>Episodes read, over all sampled tasks.</summary>
    public int Episodes { get; private init; }

    /// <summary>The sampled tasks' 2-D discrete fields at fixed local positions (<see cref="EmbodimentSpec.LocalGrids"/>),
    /// in task order, leaving out any that overlaps one kept before it: a fresh model starts these local-position
    /// rows on a lattice (<see cref="Initialization.LocalGrids"/>), and a row can lie on one lattice only.</summary>
    public IReadOnlyList<LocalGrid> LocalGrids { get; private init; } = [];

    static List<LocalGrid> DisjointGrids(IEnumerable<EmbodimentSpec> specs)
    {
        var kept = new List<LocalGrid>();
        foreach (var grid in specs.SelectMany(s => s.LocalGrids))
            if (!kept.Any(k => k.Overlaps(grid)))
                kept.Add(grid);
        return kept;
    }

    static EmbodimentSpec SpecOf(string directory, DatasetManifest.TaskEntry task)
    {
        using var reader = ShardReader.Open(Path.Combine(directory, task.Shards[0]));
        return reader.Header.Spec!;
    }

    public static TrainingData Load(TrainerOptions options)
    {
        var directory = options.DataDirectory;
        if (!Directory.Exists(directory))
            throw new InvalidTrainingOptionException(nameof(TrainerOptions.DataDirectory), directory, "no such directory");
        var manifest = DatasetManifest.TryLoad(directory)
            ?? throw new InvalidTrainingOptionException(nameof(TrainerOptions.DataDirectory), directory, $"no {DatasetManifest.FileName}: write one with `gatomesh data generate`");
        var captions = manifest.Captions is { Samples: > 0 } c ? c : null;
        var names = manifest.Tasks.Select(t => t.Name).Concat(captions is null ? [] : [captions.Name]).ToList();
        CheckWeights(nameof(TrainerOptions.TaskWeights), options.TaskWeights, names, directory, positive: false);
        CheckWeights(nameof(TrainerOptions.LossWeights), options.LossWeights, names, directory, positive: true);
        double WeightOf(string name) => options.TaskWeights.TryGetValue(name, out var w) ? w : 1.0;
        double LossWeightOf(string name) => options.LossWeights.TryGetValue(name, out var w) ? w : 1.0;
        var chosen = manifest.Tasks
            .Select(t => (Task: t, Weight: WeightOf(t.Name)))
            .Where(t => t.Weight > 0 && t.Task.EpisodesKept > 0)
            .ToList();
        var captionWeight = captions is null || manifest.TextModel is null ? 0 : WeightOf(captions.Name);
        if (chosen.Count == 0 && captionWeight == 0)
            throw new InvalidTrainingOptionException(nameof(TrainerOptions.TaskWeights), string.Join(",", options.TaskWeights.Select(p => $"{p.Key}={p.Value}")),
                $"no task of {directory} with episodes has a positive weight");

        var text = manifest.TextModel is { } model ? SentencePieceTokenizer.Load(Path.Combine(directory, model)) : null;
        var space = new TokenSpace(options.Config.TextVocab);
        var sequence = new SequenceOptions
        {
            Length = options.SequenceLength,
            PromptProbability = options.PromptProbability,
            History = options.History,
            PromptTokens = Math.Min(new SequenceOptions().PromptTokens, options.SequenceLength / 4),
        };
        var episodes = chosen.Select(t => ReadEpisodes(directory, t.Task, space, text).ToList()).ToList();
        // Each task's builder has its own stream, so adding a task does not reshuffle another's sequences.
        var builders = episodes.Select((e, index) => new SequenceBuilder(e,
                sequence with { Seed = SeededRandom.For(options.Seed, index).NextUInt64() }))
            .Select(b => (Action<long, TokenBuffer>)((i, buffer) => b.Build(i, buffer)))
            .ToList();
        var tasks = chosen.Select(t => t.Task.Name).ToList();
        var weights = chosen.Select(t => t.Weight).ToList();
        if (captionWeight > 0)
        {
            var samples = captions!.Shards.SelectMany(shard =>
            {
                using var reader = ShardReader.Open(Path.Combine(directory, shard));
                return reader.ReadCaptions().Select(r => r.ToSample()).ToList();
            }).ToList();
            var vision = new VisionLanguageSequenceBuilder(samples, text!, space, options.SequenceLength,
                SeededRandom.For(options.Seed, builders.Count).NextUInt64());
            builders.Add((i, buffer) => vision.Build(i, buffer));
            tasks.Add(captions.Name);
            weights.Add(captionWeight);
        }
        return new TrainingData(text, tasks, builders.ToArray(), weights.ToArray(), [.. tasks.Select(LossWeightOf)], options.Seed)
        {
            Episodes = episodes.Sum(e => e.Count),
            DataSeed = manifest.Tasks.Count > 0 ? manifest.Tasks[0].FirstSeed : manifest.Captions?.FirstSeed,
            LocalGrids = DisjointGrids(chosen.Select(t => SpecOf(directory, t.Task))),
        };
    }

    static void CheckWeights(string option, IReadOnlyDictionary<string, double> weights, List<string> names, string directory, bool positive)
    {
        foreach (var (name, weight) in weights)
        {
            if (!names.Contains(name))
                throw new InvalidTrainingOptionException(option, name, $"not a task of {directory} (it has {string.Join(", ", names)})");
            if (!(positive ? weight > 0 : weight >= 0) || double.IsInfinity(weight))
                throw new InvalidTrainingOptionException(option, $"{name}={weight}", $"a weight must be finite and {(positive ? ">" : ">=")} 0");
        }
    }

    /// <summary>A task's non-empty episodes, read shard by shard as they are enumerated (the action probe
    /// takes the first few without decoding the rest).</summary>
    internal static IEnumerable<Episode> ReadEpisodes(string directory, DatasetManifest.TaskEntry task, TokenSpace space, SentencePieceTokenizer? text)
    {
        foreach (var shard in task.Shards)
        {
            using var reader = ShardReader.Open(Path.Combine(directory, shard));
            var encoder = new TimestepEncoder(reader.Header.Spec!, space, text);
            foreach (var record in reader.ReadEpisodes())
                if (record.Steps.Count > 0)
                    yield return record.ToEpisode(encoder);
        }
    }

    /// <summary>Writes sequence <paramref name="index"/> of the run into <paramref name="sequence"/>
    /// and returns the index of its task.</summary>
    public int Build(long index, TokenBuffer sequence)
    {
        var draw = SeededRandom.For(seed ^ TaskSalt, index).NextDouble() * cumulative[^1];
        var task = 0;
        while (task < cumulative.Length - 1 && draw >= cumulative[task]) task++;
        builders[task](index, sequence);
        return task;
    }

}
