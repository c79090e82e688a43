using GatoMesh.Tokens;

namespace GatoMesh.Model.Tests;

/// <summary>Data to trained model end to end on gato-tiny, task weights, and the typed errors for bad options.</summary>
[Collection(TrainerCollection.Name)]
public sealed class TrainerRunTests(TrainerDataset data) : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "gatomesh-trainer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Thirty_steps_on_generated_data_lower_the_loss_and_write_a_checkpoint_with_every_tasks_losses()
    {
        var output = Path.Combine(root, "run");
        var seen = new List<TrainerProgress>();
        using var trainer = Trainer.Open(data.Options(output, steps: 30) with { CheckpointEvery = 10 });
        var report = trainer.Run(progress: seen.Add);

        Assert.Equal(30, report.Steps);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), seen.Select(p => p.Step));
        Assert.All(seen, p => Assert.True(p.TokensPerSecond > 0));
        var losses = report.History.Losses;
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        // A fresh model scores ~ln(2049) = 7.6 per token; expert actions are few and repetitive, captions templated.
        var first = losses.Take(5).Average();
        var last = losses.TakeLast(5).Average();
        Assert.True(last < first * 0.75, $"loss went from {first} to {last}");
        Assert.Equal(losses[^1], report.FinalLoss);
        Assert.Equal(Path.Combine(output, "checkpoints", "step-00000030"), report.Checkpoint);
        Assert.Equal(report.Checkpoint, Trainer.LatestCheckpoint(output));
        Assert.True(Directory.Exists(Path.Combine(output, "checkpoints", "step-00000010")));
        // Each task's loss at every step: a number where the batch drew the task, null where it did not.
        Assert.Equal(trainer.Tasks, report.History.TaskLosses.Keys);
        Assert.All(report.History.TaskLosses.Values, task => Assert.Equal(30, task.Count));
        Assert.All(report.History.TaskLosses.Values, task => Assert.Contains(task, l => l is > 0));
        // The checkpoint keeps them, so a report can be drawn from it alone.
        var saved = Trainer.LossesOf(report.Checkpoint)!;
        Assert.Equal(losses, saved.Losses);
        Assert.Equal(report.History.TaskLosses["catch"], saved.TaskLosses["catch"]);
        // Self-contained for serving: the data's SentencePiece model rides along, byte for byte.
        Assert.Equal(File.ReadAllBytes(Path.Combine(data.Directory, "text", SentencePieceTrainer.ModelFileName)),
            File.ReadAllBytes(Path.Combine(report.Checkpoint, SentencePieceTrainer.ModelFileName)));
    }

    [Fact]
    public void The_warmup_rises_linearly_and_the_rate_ends_near_a_tenth_of_the_peak()
    {
        var seen = new List<TrainerProgress>();
        using var trainer = Trainer.Open(data.Options(Path.Combine(root, "lr"), steps: 6) with { WarmupSteps = 2 });
        trainer.Run(progress: seen.Add);
        Assert.Equal(0, seen[0].LearningRate);
        Assert.Equal(5e-4, seen[1].LearningRate, 12);
        Assert.Equal(1e-3, seen[2].LearningRate, 12);
        Assert.True(seen[^1].LearningRate < 3e-4 && seen[^1].LearningRate > 1e-4);
    }

    [Fact]
    public void A_task_at_weight_zero_is_never_sampled_and_weights_set_the_mix()
    {
        using (var only = Trainer.Open(data.Options(Path.Combine(root, "w0"), 1) with
               { TaskWeights = new Dictionary<string, double> { ["catch"] = 0 } }))
            Assert.Equal(["gridworld", "vision-language"], only.Tasks);

        var mix = TrainingData.Load(data.Options(Path.Combine(root, "w"), 1) with
            { TaskWeights = new Dictionary<string, double> { ["catch"] = 1, ["gridworld"] = 3, ["vision-language"] = 0 } });
        Assert.Equal(["catch", "gridworld"], mix.Tasks);
        var buffer = new TokenBuffer();
        const int draws = 800;
        var gridworld = 0;
        for (var i = 0; i < draws; i++) gridworld += mix.Build(i, buffer);
        Assert.InRange((double)gridworld / draws, 0.70, 0.80);
        Assert.Equal([1.0, 1.0], mix.LossWeights);

        // Loss weights follow the task order and leave the sampling alone.
        var weighted = TrainingData.Load(data.Options(Path.Combine(root, "lw"), 1) with
        {
            TaskWeights = new Dictionary<string, double> { ["catch"] = 1, ["gridworld"] = 3, ["vision-language"] = 0 },
            LossWeights = new Dictionary<string, double> { ["gridworld"] = 2.5 },
        });
        Assert.Equal([1.0, 2.5], weighted.LossWeights);
        var same = 0;
        for (var i = 0; i < draws; i++) same += weighted.Build(i, buffer) == mix.Build(i, buffer) ? 1 : 0;
        Assert.Equal(draws, same);
    }

    [Fact]
    public void Captioned_images_are_a_task_whose_sequences_learn_the_caption_not_the_image()
    {
        var options = data.Options(Path.Combine(root, "vl"), 1) with
            { TaskWeights = new Dictionary<string, double> { ["catch"] = 0, ["gridworld"] = 0 } };
        var captions = TrainingData.Load(options);
        Assert.Equal(["vision-language"], captions.Tasks);
        var buffer = new TokenBuffer();
        captions.Build(0, buffer);
        Assert.Equal(options.SequenceLength, buffer.Count);
        Assert.True(buffer.PatchCount >= 16);
        for (var t = 0; t < buffer.Count; t++)
        {
            if (buffer.Ids[t] < 0) Assert.False(buffer.LossMask[t]);
        }
        Assert.Contains(true, buffer.LossMask.ToArray());
    }

    [Fact]
    public void Bad_options_are_typed_errors_naming_the_option()
    {
        InvalidTrainingOptionException Fails(TrainerOptions options) =>
            Assert.Throws<InvalidTrainingOptionException>(() => Trainer.Open(options));
        var good = data.Options(Path.Combine(root, "bad"), 1);

        var missing = Fails(good with { DataDirectory = Path.Combine(root, "no-such-data") });
        Assert.Equal("DataDirectory", missing.Field);
        Assert.Contains("no-such-data", missing.Message);

        var unknown = Fails(good with { TaskWeights = new Dictionary<string, double> { ["pong"] = 2 } });
        Assert.Equal("TaskWeights", unknown.Field);
        Assert.Contains("pong", unknown.Message);
        Assert.Contains("gridworld", unknown.Message);

        var unknownLoss = Fails(good with { LossWeights = new Dictionary<string, double> { ["pong"] = 2 } });
        Assert.Equal("LossWeights", unknownLoss.Field);
        Assert.Contains("pong", unknownLoss.Message);
        var zeroLoss = Fails(good with { LossWeights = new Dictionary<string, double> { ["catch"] = 0 } });
        Assert.Equal("LossWeights", zeroLoss.Field);
        Assert.Contains("> 0", zeroLoss.Message);

        Assert.Equal("Steps", Fails(good with { Steps = 0 }).Field);
        Assert.Equal("Steps", Fails(good with { Steps = -3 }).Field);
        Assert.Equal("SequenceLength", Fails(good with { SequenceLength = 4096 }).Field);
        Assert.Equal("BatchSize", Fails(good with { BatchSize = 0 }).Field);
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
