using GatoMesh.Torch;

namespace GatoMesh.Model.Tests;

/// <summary>A run interrupted by a checkpoint and resumed is the uninterrupted run: same losses bit
/// for bit and the same final weights (docs/TRAINING.md, "Exact resume").</summary>
[Collection(TrainerCollection.Name)]
public sealed class TrainerResumeTests(TrainerDataset data) : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "gatomesh-trainer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Three_steps_then_a_resumed_three_equal_six_straight_steps()
    {
        var straightOut = Path.Combine(root, "straight");
        var resumedOut = Path.Combine(root, "resumed");
        double[] straightLosses;
        Dictionary<string, float[]> straightWeights;
        using (var straight = Trainer.Open(data.Options(straightOut, steps: 6)))
        {
            straight.Run();
            straightLosses = straight.Losses.ToArray();
            straightWeights = Weights(straight.Model);
        }

        using (var first = Trainer.Open(data.Options(resumedOut, steps: 6)))
        {
            Assert.Null(first.ResumedFrom);
            var report = first.Run(until: 3);
            Assert.Equal(3, report.Steps);
            Assert.EndsWith("step-00000003", report.Checkpoint);
        }
        using var resumed = Trainer.Open(data.Options(resumedOut, steps: 6));
        Assert.NotNull(resumed.ResumedFrom);
        Assert.Equal(3, resumed.Step);
        resumed.Run();

        Assert.Equal(6, straightLosses.Length);
        Assert.Equal(straightLosses, resumed.Losses.ToArray());
        var weights = Weights(resumed.Model);
        Assert.Equal(straightWeights.Keys.Order(), weights.Keys.Order());
        foreach (var (name, values) in straightWeights)
            Assert.True(values.AsSpan().SequenceEqual(weights[name]), $"parameter {name} differs after resume");
    }

    [Fact]
    public void A_bfloat16_run_resumes_exactly_records_its_precision_and_refuses_another()
    {
        var options = data.Options(Path.Combine(root, "straight-bf16"), steps: 4) with { Precision = ComputePrecision.BFloat16 };
        double[] straightLosses, fp32Losses;
        using (var straight = Trainer.Open(options))
        {
            Assert.Equal(ComputePrecision.BFloat16, straight.Model.Precision);
            straight.Run();
            straightLosses = straight.Losses.ToArray();
        }
        using (var fp32 = Trainer.Open(data.Options(Path.Combine(root, "fp32"), steps: 4)))
            fp32Losses = fp32.Run().History.Losses.ToArray();
        Assert.NotEqual(fp32Losses, straightLosses);

        var resumedOptions = options with { OutputDirectory = Path.Combine(root, "resumed-bf16") };
        string checkpoint;
        using (var first = Trainer.Open(resumedOptions))
            checkpoint = first.Run(until: 2).Checkpoint;
        Assert.Contains("\"precision\": \"bf16\"", File.ReadAllText(Path.Combine(checkpoint, "trainer.json")));
        var error = Assert.Throws<InvalidTrainingOptionException>(() => Trainer.Open(resumedOptions with { Precision = ComputePrecision.Float32 }));
        Assert.Equal("Precision", error.Field);
        using var resumed = Trainer.Open(resumedOptions);
        resumed.Run();
        Assert.Equal(straightLosses, resumed.Losses.ToArray());
    }

    [Fact]
    public void Cancelling_stops_after_the_current_step_with_a_checkpoint_to_resume_from()
    {
        var output = Path.Combine(root, "cancel");
        using var cancel = new CancellationTokenSource();
        using (var first = Trainer.Open(data.Options(output, steps: 4)))
        {
            var report = first.Run(progress: p => { if (p.Step == 2) cancel.Cancel(); }, cancel: cancel.Token);
            Assert.Equal(2, report.Steps);
            Assert.Equal(report.Checkpoint, Trainer.LatestCheckpoint(output));
        }
        using var resumed = Trainer.Open(data.Options(output, steps: 4));
        Assert.Equal(2, resumed.Step);
        Assert.Equal(4, resumed.Run().Steps);
        Assert.Equal(4, resumed.Losses.Count);
    }

    [Fact]
    public void Resuming_with_another_seed_is_refused_naming_the_option()
    {
        var output = Path.Combine(root, "seed");
        using (var first = Trainer.Open(data.Options(output, steps: 2)))
            first.Run(until: 1);
        var error = Assert.Throws<InvalidTrainingOptionException>(() => Trainer.Open(data.Options(output, steps: 2) with { Seed = 8 }));
        Assert.Equal("Seed", error.Field);
    }

    [Fact]
    public void Resuming_with_other_task_or_loss_weights_is_refused_and_the_same_weights_in_another_order_resume()
    {
        var output = Path.Combine(root, "weights");
        var options = data.Options(output, steps: 3) with
        {
            TaskWeights = new Dictionary<string, double> { ["gridworld"] = 2, ["catch"] = 0.5 },
            LossWeights = new Dictionary<string, double> { ["catch"] = 3 },
        };
        string checkpoint;
        using (var first = Trainer.Open(options))
            checkpoint = first.Run(until: 1).Checkpoint;
        Assert.Contains("\"task_weights\": \"catch=0.5,gridworld=2\"", File.ReadAllText(Path.Combine(checkpoint, "trainer.json")));

        var error = Assert.Throws<InvalidTrainingOptionException>(() =>
            Trainer.Open(options with { TaskWeights = new Dictionary<string, double> { ["gridworld"] = 3, ["catch"] = 0.5 } }));
        Assert.Equal("TaskWeights", error.Field);
        Assert.Contains("catch=0.5,gridworld=2", error.Message);
        Assert.Equal("LossWeights", Assert.Throws<InvalidTrainingOptionException>(() =>
            Trainer.Open(options with { LossWeights = new Dictionary<string, double>() })).Field);

        using var resumed = Trainer.Open(options with { TaskWeights = new Dictionary<string, double> { ["catch"] = 0.5, ["gridworld"] = 2 } });
        Assert.Equal(1, resumed.Step);
    }

    [Fact]
    public void A_checkpoint_from_before_the_weights_were_recorded_resumes_with_any_weights()
    {
        var output = Path.Combine(root, "old-weights");
        string checkpoint;
        using (var first = Trainer.Open(data.Options(output, steps: 2)))
            checkpoint = first.Run(until: 1).Checkpoint;
        var state = Path.Combine(checkpoint, "trainer.json");
        var lines = File.ReadAllLines(state).Where(l => !l.Contains("\"task_weights\"") && !l.Contains("\"loss_weights\"")).ToArray();
        Assert.Equal(File.ReadAllLines(state).Length - 2, lines.Length);
        File.WriteAllLines(state, lines);
        using var resumed = Trainer.Open(data.Options(output, steps: 2) with { TaskWeights = new Dictionary<string, double> { ["catch"] = 2 } });
        Assert.Equal(1, resumed.Step);
    }

    [Fact]
    public void A_history_run_records_its_history_and_resuming_with_another_history_or_prompt_probability_is_refused()
    {
        var output = Path.Combine(root, "history");
        var options = data.Options(output, steps: 2) with { History = 1, PromptProbability = 0 };
        using (var first = Trainer.Open(options))
        {
            var report = first.Run(until: 1);
            Assert.Equal(1, Trainer.HistoryOf(report.Checkpoint));
            // The probe's default window is the one the run trained on; a folder without a trainer state has the fixed default.
            Assert.Equal(options.SequenceLength, Trainer.SequenceLengthOf(report.Checkpoint));
        }
        Assert.Equal(Trainer.DefaultProbeSequenceLength, Trainer.SequenceLengthOf(root));
        var error = Assert.Throws<InvalidTrainingOptionException>(() => Trainer.Open(options with { History = 0 }));
        Assert.Equal("History", error.Field);
        // Prompts decide what each window holds: another probability would be another run.
        Assert.Equal("PromptProbability", Assert.Throws<InvalidTrainingOptionException>(() => Trainer.Open(options with { PromptProbability = 0.25 })).Field);
    }

    [Fact]
    public void A_checkpoint_holds_the_model_the_optimizer_and_the_trainer_state_and_latest_names_it()
    {
        var output = Path.Combine(root, "layout");
        using var trainer = Trainer.Open(data.Options(output, steps: 2) with { CheckpointEvery = 1 });
        trainer.Run();
        var latest = Trainer.LatestCheckpoint(output)!;
        Assert.Equal(Path.Combine(output, "checkpoints", "step-00000002"), latest);
        foreach (var file in new[] { Checkpoint.ConfigFile, Checkpoint.WeightsFile, Trainer.OptimizerFile, "trainer.json" })
            Assert.True(File.Exists(Path.Combine(latest, file)), file);
        Assert.True(Directory.Exists(Path.Combine(output, "checkpoints", "step-00000001")));
        using var loaded = Checkpoint.Load(latest);
        Assert.Equal(Weights(trainer.Model)["blocks.0.attn.qkv.weight"], Weights(loaded)["blocks.0.attn.qkv.weight"]);
    }

    static Dictionary<string, float[]> Weights(GatoModel model) =>
        model.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.ToArray<float>());

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
