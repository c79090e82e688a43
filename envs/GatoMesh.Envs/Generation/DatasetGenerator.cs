using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// Writes a data directory (docs/DATA.md): for each task, expert episodes filtered like the paper
/// (return at least <see cref="GenerationOptions.FilterFraction"/> of the expert return) into
/// append-only shards; for the vision-language set, captioned images; a SentencePiece model of
/// the missions and captions; and <c>manifest.json</c> with the expert and random returns.
/// Tasks already in an existing manifest are kept as they are (their scores are the cache); a
/// task's folder left by an interrupted run, which no manifest lists, is written afresh.
/// </summary>
public sealed class DatasetGenerator(GenerationOptions options, Action<GenerationProgress>? progress = null)
{
    /// <summary>Captions of this many fixed seeds join every text corpus, so the text model has
    /// enough material for its vocabulary whichever tasks a run generates.</summary>
    const int CorpusCaptionSeeds = 500;

    /// <summary>BPE rather than SentencePiece's default unigram: on this small corpus unigram stops at about
    /// 40 pieces, nearly letters, and a mission is then 15-19 tokens the model must first assemble into
    /// words; BPE at 96 pieces makes every mission word one token (docs/DATA.md, "Text model").</summary>
    const string TextModelType = "bpe";

    public const string TextDirectory = "text";

    /// <summary>Generates what the manifest lacks and returns the manifest and the names of the
    /// tasks that were already there.</summary>
    public (DatasetManifest Manifest, IReadOnlyList<string> Cached) Run()
    {
        Validate();
        Directory.CreateDirectory(options.OutputDirectory);
        var manifest = DatasetManifest.TryLoad(options.OutputDirectory)
            ?? new DatasetManifest { FilterFraction = options.FilterFraction, ExpertNoise = options.ExpertNoise, NoiseLabels = LabelsName(options) };
        // One directory, one recipe: mixing noisy and clean tasks would make the manifest's noise a lie.
        if (options.ExpertNoise > 0 && NoiseLabelsNames.Parse(manifest.NoiseLabels) != options.NoiseLabels && options.Tasks.Any(t => t != CaptionedScenes.Task))
            throw new InvalidOptionException("noise-labels", options.NoiseLabels.Name(),
                $"{options.OutputDirectory} was generated with noise labels {NoiseLabelsNames.Parse(manifest.NoiseLabels).Name()}; pass that or use a new --out");
        if (manifest.ExpertNoise != options.ExpertNoise && options.Tasks.Any(t => t != CaptionedScenes.Task))
            throw new InvalidOptionException("expert-noise", options.ExpertNoise.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{options.OutputDirectory} was generated with expert noise {manifest.ExpertNoise.ToString(System.Globalization.CultureInfo.InvariantCulture)}; pass that or use a new --out");
        if (StaleTasks(options.OutputDirectory).Intersect(options.Tasks).FirstOrDefault() is { } stale)
            throw new InvalidOptionException("out", options.OutputDirectory,
                $"its {stale} episodes were recorded with another observation spec than the environment's now (an older GatoMesh); use a new --out");
        var cached = new List<string>();
        foreach (var name in options.Tasks)
        {
            if (name == CaptionedScenes.Task)
            {
                if (manifest.Captions is not null)
                    cached.Add(name);
                else
                    manifest = manifest with { Captions = GenerateCaptions() };
                continue;
            }
            if (manifest.Tasks.Any(t => t.Name == name))
            {
                cached.Add(name);
                continue;
            }
            manifest.Tasks.Add(GenerateEpisodes(TaskCatalog.Get(name)));
            manifest.Save(options.OutputDirectory);
        }
        manifest = manifest with
        {
            TextModel = Path.Combine(TextDirectory, SentencePieceTrainer.ModelFileName),
            TextVocabSize = options.TextVocabSize,
        };
        TrainTextModel(manifest);
        manifest.Save(options.OutputDirectory);
        return (manifest, cached);
    }

    /// <summary>The tasks of <paramref name="directory"/>'s manifest whose episodes were recorded under
    /// another embodiment spec than their environment has now (the environment changed since): a model
    /// trained on them would be served observations it never saw.</summary>
    public static IReadOnlyList<string> StaleTasks(string directory)
    {
        if (DatasetManifest.TryLoad(directory) is not { } manifest)
            return [];
        var stale = new List<string>();
        foreach (var entry in manifest.Tasks.Where(t => t.Shards.Count > 0 && TaskCatalog.All.Any(c => c.Name == t.Name)))
        {
            using var reader = ShardReader.Open(Path.Combine(directory, entry.Shards[0]));
            using var environment = TaskCatalog.Get(entry.Name).CreateEnvironment();
            if (SpecJsonWriter.ToJson(reader.Header.Spec!).ToJsonString() != SpecJsonWriter.ToJson(environment.Spec).ToJsonString())
                stale.Add(entry.Name);
        }
        return stale;
    }

    void Validate()
    {
        if (options.Tasks.Count == 0)
            throw new InvalidOptionException("tasks", "", "name at least one task");
        foreach (var name in options.Tasks)
            if (name != CaptionedScenes.Task)
                TaskCatalog.Get(name);
        if (options.Tasks.Distinct().Count() != options.Tasks.Count)
            throw new InvalidOptionException("tasks", string.Join(",", options.Tasks), "names a task twice");
        if (options.Episodes < 1)
            throw new InvalidOptionException("episodes", options.Episodes.ToString(), "must be at least 1");
        if (options.RandomEpisodes < 1)
            throw new InvalidOptionException("random-episodes", options.RandomEpisodes.ToString(), "must be at least 1");
        if (!(options.FilterFraction is > 0 and <= 1))
            throw new InvalidOptionException("filter", options.FilterFraction.ToString(), "must lie in (0, 1]");
        if (!(options.ExpertNoise is >= 0 and < 1))
            throw new InvalidOptionException("expert-noise", options.ExpertNoise.ToString(System.Globalization.CultureInfo.InvariantCulture), "must lie in [0, 1)");
        if (options.RecordsPerShard < 1)
            throw new InvalidOptionException("shard-records", options.RecordsPerShard.ToString(), "must be at least 1");
    }

    /// <summary>Two passes over the same seeds: the first measures every expert episode's return
    /// (the paper's expert return needs them all before the filter can apply), the second rolls the
    /// recorded policy out again (the expert, or the noisy expert with <see cref="GenerationOptions.ExpertNoise"/>)
    /// and writes the episodes whose return passes the filter, so no more than one episode is ever
    /// held in memory.</summary>
    DatasetManifest.TaskEntry GenerateEpisodes(EnvironmentTask task)
    {
        var folder = Path.Combine(options.OutputDirectory, task.Name);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        using var environment = task.CreateEnvironment();
        var expert = task.CreateExpert(environment);
        var random = task.CreateRandom(environment);

        var randomReturns = new double[options.RandomEpisodes];
        for (var i = 0; i < randomReturns.Length; i++)
        {
            randomReturns[i] = Rollout.Run(task.Name, environment, random, Seed(i)).Return;
            Report(task.Name, "random", i + 1, randomReturns.Length);
        }
        var returns = new double[options.Episodes];
        for (var i = 0; i < returns.Length; i++)
        {
            returns[i] = Rollout.Run(task.Name, environment, expert, Seed(i)).Return;
            Report(task.Name, "expert", i + 1, returns.Length);
        }
        var expertReturn = PaperScore.ExpertReturn(returns);
        var threshold = options.FilterFraction * expertReturn;
        var recorded = options.ExpertNoise > 0 ? new NoisyPolicy(expert, random, options.ExpertNoise, options.NoiseLabels == NoiseLabels.Expert) : expert;

        var shards = new List<string>();
        ShardWriter? writer = null;
        var kept = 0;
        try
        {
            for (var i = 0; i < returns.Length; i++)
            {
                Report(task.Name, "write", i + 1, returns.Length);
                // Without noise the replay is the measured episode: skip it unless it passed.
                if (options.ExpertNoise == 0 && returns[i] < threshold)
                    continue;
                var episode = Rollout.Run(task.Name, environment, recorded, Seed(i));
                if (episode.Return < threshold)
                    continue;
                if (writer is null || writer.RecordCount == options.RecordsPerShard)
                {
                    writer?.Dispose();
                    var name = Path.Combine(task.Name, $"{task.Name}-{shards.Count:D5}.gmshard");
                    shards.Add(name);
                    writer = ShardWriter.Create(Path.Combine(options.OutputDirectory, name), ShardHeader.Episodes(task.Name, environment.Spec));
                }
                writer.Write(episode);
                kept++;
            }
        }
        finally
        {
            writer?.Dispose();
        }
        return new DatasetManifest.TaskEntry(task.Name, task.Description, shards, options.Episodes, kept, options.FirstSeed,
            expertReturn, PaperScore.RandomReturn(randomReturns), options.RandomEpisodes, threshold);
    }

    DatasetManifest.CaptionEntry GenerateCaptions()
    {
        var folder = Path.Combine(options.OutputDirectory, CaptionedScenes.Task);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var shards = new List<string>();
        ShardWriter? writer = null;
        try
        {
            for (var i = 0; i < options.Episodes; i++)
            {
                if (writer is null || writer.RecordCount == options.RecordsPerShard)
                {
                    writer?.Dispose();
                    var name = Path.Combine(CaptionedScenes.Task, $"{CaptionedScenes.Task}-{shards.Count:D5}.gmshard");
                    shards.Add(name);
                    writer = ShardWriter.Create(Path.Combine(options.OutputDirectory, name),
                        ShardHeader.Captions(CaptionedScenes.Task, GridRenderer.Side, GridRenderer.Side));
                }
                writer.Write(CaptionedScenes.Generate(Seed(i)));
                Report(CaptionedScenes.Task, "write", i + 1, options.Episodes);
            }
        }
        finally
        {
            writer?.Dispose();
        }
        return new DatasetManifest.CaptionEntry(CaptionedScenes.Task, shards, options.Episodes, options.FirstSeed);
    }

    /// <summary>Every mission, the captions of fixed seeds and those of the generated samples.</summary>
    void TrainTextModel(DatasetManifest manifest)
    {
        var directory = Path.Combine(options.OutputDirectory, TextDirectory);
        Directory.CreateDirectory(directory);
        var corpus = Path.Combine(directory, "corpus.txt");
        var sentences = TextCorpus.Sentences(0, CorpusCaptionSeeds);
        if (manifest.Captions is { } captions)
            sentences = sentences.Concat(Enumerable.Range(0, captions.Samples)
                .Select(i => CaptionedScenes.Generate(captions.FirstSeed + (ulong)i).Caption));
        File.WriteAllLines(corpus, sentences);
        Report("text", "train", 0, 1);
        SentencePieceTrainer.Train(Path.GetFullPath(corpus), options.TextVocabSize, Path.GetFullPath(directory), TextModelType);
        Report("text", "train", 1, 1);
    }

    ulong Seed(int index) => options.FirstSeed + (ulong)index;

    /// <summary>The manifest's name of the noise labels: null without noise (nothing noisy to label).</summary>
    static string? LabelsName(GenerationOptions options) => options.ExpertNoise > 0 ? options.NoiseLabels.Name() : null;

    void Report(string task, string phase, int done, int total) => progress?.Invoke(new GenerationProgress(task, phase, done, total));
}

/// <summary>A generation option with a value that cannot work, naming the option and the value.</summary>
public sealed class InvalidOptionException(string option, string value, string problem)
    : Exception($"{option} = {value}: {problem}")
{
    public string Option { get; } = option;

}
