using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

public class GenerationTests
{
    [Fact]
    public void Generate_writes_filtered_expert_episodes_captions_a_text_model_and_a_manifest_that_read_back()
    {
        using var directory = new TemporaryDirectory();
        var progress = new List<GenerationProgress>();
        var (manifest, cached) = new DatasetGenerator(new GenerationOptions
        {
            Tasks = ["gridworld", "reacher", "vision-language"],
            Episodes = 20,
            RandomEpisodes = 10,
            OutputDirectory = directory.Path,
            RecordsPerShard = 8,
        }, progress.Add).Run();
        Assert.Empty(cached);

        var reloaded = DatasetManifest.TryLoad(directory.Path)!;
        Assert.Equal(manifest.Tasks.Select(t => (t.Name, t.EpisodesKept, t.ExpertReturn)), reloaded.Tasks.Select(t => (t.Name, t.EpisodesKept, t.ExpertReturn)));
        foreach (var entry in reloaded.Tasks)
        {
            Assert.Equal(20, entry.EpisodesGenerated);
            Assert.InRange(entry.EpisodesKept, 1, 20);
            Assert.True(entry.ExpertReturn > entry.RandomReturn);
            Assert.Equal(0.8 * entry.ExpertReturn, entry.Threshold, 12);
            Assert.Equal((entry.EpisodesKept + 7) / 8, entry.Shards.Count);
            var episodes = entry.Shards.SelectMany(shard =>
            {
                using var reader = ShardReader.Open(Path.Combine(directory.Path, shard));
                return reader.ReadEpisodes().ToList();
            }).ToList();
            Assert.Equal(entry.EpisodesKept, episodes.Count);
            Assert.All(episodes, episode => Assert.True(episode.Return >= entry.Threshold));
            // Each kept episode replays from its seed: the shard holds what the expert did.
            var task = TaskCatalog.Get(entry.Name);
            using var environment = task.CreateEnvironment();
            Assert.True(Episodes.Same(episodes[0], Rollout.Run(entry.Name, environment, task.CreateExpert(environment), episodes[0].Seed)));
        }
        Assert.Equal(20, reloaded.Captions!.Samples);
        Assert.Equal(3, reloaded.Captions.Shards.Count);

        var text = SentencePieceTokenizer.Load(Path.Combine(directory.Path, reloaded.TextModel!));
        Assert.Equal(96, text.VocabSize);
        Assert.Contains(progress, p => p.Task == "reacher" && p.Phase == "write" && p.Done == p.Total);
    }

    [Fact]
    public void A_second_run_keeps_the_tasks_already_in_the_manifest_and_adds_new_ones()
    {
        using var directory = new TemporaryDirectory();
        GenerationOptions Options(params string[] tasks) => new()
        {
            Tasks = tasks, Episodes = 10, RandomEpisodes = 5, OutputDirectory = directory.Path,
        };
        var (first, _) = new DatasetGenerator(Options("catch")).Run();
        var shard = Path.Combine(directory.Path, first.Tasks[0].Shards[0]);
        var written = File.GetLastWriteTimeUtc(shard);
        var (second, cached) = new DatasetGenerator(Options("catch", "gridworld")).Run();
        Assert.Equal(["catch"], cached);
        Assert.Equal(["catch", "gridworld"], second.Tasks.Select(t => t.Name));
        static object Scores(DatasetManifest.TaskEntry t) => (t.EpisodesGenerated, t.EpisodesKept, t.ExpertReturn, t.RandomReturn, t.Threshold);
        Assert.Equal(Scores(first.Tasks[0]), Scores(second.Tasks[0]));
        Assert.Equal(first.Tasks[0].Shards, second.Tasks[0].Shards);
        Assert.Equal(written, File.GetLastWriteTimeUtc(shard));
    }

    [Fact]
    public void Episodes_recorded_under_another_spec_than_the_environment_s_are_stale_and_refused()
    {
        using var directory = new TemporaryDirectory();
        var options = new GenerationOptions { Tasks = ["catch", "gridworld"], Episodes = 3, RandomEpisodes = 2, OutputDirectory = directory.Path };
        var (manifest, _) = new DatasetGenerator(options).Run();
        Assert.Empty(DatasetGenerator.StaleTasks(directory.Path));

        // The grid world's shard as an older GatoMesh wrote it: the same task under another observation spec.
        var shard = Path.Combine(directory.Path, manifest.Tasks[1].Shards[0]);
        File.Delete(shard);
        using (var catchWorld = TaskCatalog.Get("catch").CreateEnvironment())
            ShardWriter.Create(shard, ShardHeader.Episodes("gridworld", catchWorld.Spec)).Dispose();

        Assert.Equal(["gridworld"], DatasetGenerator.StaleTasks(directory.Path));
        var error = Assert.Throws<InvalidOptionException>(() => new DatasetGenerator(options).Run());
        Assert.Equal("out", error.Option);
        Assert.Contains("gridworld", error.Message);
        // A run that does not ask for the stale task still reuses the rest.
        Assert.Equal(["catch"], new DatasetGenerator(options with { Tasks = ["catch"] }).Run().Cached);
    }

    [Fact]
    public void Unknown_tasks_and_impossible_counts_are_rejected_by_name()
    {
        using var directory = new TemporaryDirectory();
        var unknown = Assert.Throws<UnknownTaskException>(() =>
            new DatasetGenerator(new GenerationOptions { Tasks = ["pong"], Episodes = 1, OutputDirectory = directory.Path }).Run());
        Assert.Contains("pong", unknown.Message);
        var zero = Assert.Throws<InvalidOptionException>(() =>
            new DatasetGenerator(new GenerationOptions { Tasks = ["catch"], Episodes = 0, OutputDirectory = directory.Path }).Run());
        Assert.Equal("episodes", zero.Option);
    }

    [Fact]
    public void Expert_noise_records_the_noisy_expert_filtered_by_the_clean_experts_returns()
    {
        using var clean = new TemporaryDirectory();
        using var noisy = new TemporaryDirectory();
        GenerationOptions Options(string directory, double noise) => new()
        {
            Tasks = ["catch"], Episodes = 40, RandomEpisodes = 10, OutputDirectory = directory, ExpertNoise = noise,
        };
        var (plain, _) = new DatasetGenerator(Options(clean.Path, 0)).Run();
        var (mixed, _) = new DatasetGenerator(Options(noisy.Path, 0.3)).Run();
        Assert.Equal(0.3, DatasetManifest.TryLoad(noisy.Path)!.ExpertNoise);
        Assert.Equal(0, DatasetManifest.TryLoad(clean.Path)!.ExpertNoise);
        // The scores the evaluation normalizes by do not move with the noise.
        var (a, b) = (plain.Tasks[0], mixed.Tasks[0]);
        Assert.Equal((a.ExpertReturn, a.RandomReturn, a.Threshold), (b.ExpertReturn, b.RandomReturn, b.Threshold));

        using var reader = ShardReader.Open(Path.Combine(noisy.Path, b.Shards[0]));
        var episodes = reader.ReadEpisodes().ToList();
        Assert.Equal(b.EpisodesKept, episodes.Count);
        Assert.All(episodes, e => Assert.True(e.Return >= b.Threshold));
        // Each episode is the seeded noisy expert's, and differs from the clean expert's somewhere.
        var task = TaskCatalog.Get("catch");
        using var environment = task.CreateEnvironment();
        var noisyExpert = new NoisyPolicy(task.CreateExpert(environment), task.CreateRandom(environment), 0.3);
        Assert.All(episodes, e => Assert.True(Episodes.Same(e, Rollout.Run("catch", environment, noisyExpert, e.Seed))));
        Assert.Contains(episodes, e => !Episodes.Same(e, Rollout.Run("catch", environment, task.CreateExpert(environment), e.Seed)));

        // A directory holds one recipe: asking it for other noise is refused by name.
        var refused = Assert.Throws<InvalidOptionException>(() => new DatasetGenerator(Options(noisy.Path, 0.1)).Run());
        Assert.Equal("expert-noise", refused.Option);
        Assert.Equal("expert-noise", Assert.Throws<InvalidOptionException>(() => new DatasetGenerator(Options(clean.Path, 1.0)).Run()).Option);
    }

    [Fact]
    public void Expert_labels_record_the_experts_action_for_each_observation_while_the_noisy_one_is_taken()
    {
        using var taken = new TemporaryDirectory();
        using var labelled = new TemporaryDirectory();
        GenerationOptions Options(string directory, NoiseLabels labels) => new()
        {
            Tasks = ["catch"], Episodes = 30, RandomEpisodes = 5, OutputDirectory = directory, ExpertNoise = 0.4, NoiseLabels = labels,
        };
        var (a, _) = new DatasetGenerator(Options(taken.Path, NoiseLabels.Taken)).Run();
        var (b, _) = new DatasetGenerator(Options(labelled.Path, NoiseLabels.Expert)).Run();
        Assert.Equal("taken", a.NoiseLabels);
        Assert.Equal("expert", DatasetManifest.TryLoad(labelled.Path)!.NoiseLabels);
        var task = TaskCatalog.Get("catch");
        using var environment = task.CreateEnvironment();
        // The Catch expert is a function of the observation: every recorded action is its answer to the
        // recorded observation with expert labels, and not always with taken ones.
        int Disagreements(string directory, DatasetManifest.TaskEntry entry)
        {
            using var reader = ShardReader.Open(Path.Combine(directory, entry.Shards[0]));
            var expert = task.CreateExpert(environment);
            var count = 0;
            foreach (var episode in reader.ReadEpisodes())
            {
                expert.Reset(episode.Seed);
                foreach (var step in episode.Steps)
                    if (!step.Action.SameAs(FieldValues.FromAction(environment.Spec, expert.Act(step.Observation)))) count++;
            }
            return count;
        }
        Assert.Equal(0, Disagreements(labelled.Path, b.Tasks[0]));
        Assert.True(Disagreements(taken.Path, a.Tasks[0]) > 0);
        // The executed path is the noisy one: the observations differ from the clean expert's somewhere.
        using var reader = ShardReader.Open(Path.Combine(labelled.Path, b.Tasks[0].Shards[0]));
        Assert.Contains(reader.ReadEpisodes(), e => !Episodes.Same(e, Rollout.Run("catch", environment, task.CreateExpert(environment), e.Seed)));
        Assert.Equal("noise-labels", Assert.Throws<InvalidOptionException>(() => new DatasetGenerator(Options(labelled.Path, NoiseLabels.Taken)).Run()).Option);
    }
}
