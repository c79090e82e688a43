using GatoMesh.Model;
using GatoMesh.Torch.Distributed;

namespace GatoMesh.Training.Tests;

/// <summary>
/// Data parallelism is the same math as one process (issue 8, "Tests"; docs/DISTRIBUTED.md,
/// "Training"): with the same global batch, two workers compute one worker's losses within 1e-4 over
/// 20 steps and end with the same parameters; ZeRO-1 updates exactly as plain data parallelism does;
/// and a one-worker run of one micro-batch is the single-process trainer's run.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class DataParallelEquivalenceTests(TrainingDataset data) : IDisposable
{
    const int Steps = 20;
    readonly string root = Path.Combine(Path.GetTempPath(), "gatomesh-dp-" + Guid.NewGuid().ToString("N"));

    sealed record RankRun(double[] Losses, Dictionary<string, float[]> Weights, long OptimizerStateBytes);

    RankRun[] Train(string name, int world, DataParallelism parallelism, int microBatches = 2, long steps = Steps,
        IReadOnlyDictionary<string, double>? lossWeights = null) =>
        Ranks.Run(world, group => Train(group, name, parallelism, microBatches, steps, lossWeights));

    RankRun Train(ProcessGroup group, string name, DataParallelism parallelism, int microBatches, long steps,
        IReadOnlyDictionary<string, double>? lossWeights)
    {
        using var trainer = DistributedTrainer.Open(new DistributedTrainerOptions
        {
            Training = Options(name, lossWeights),
            Parallelism = parallelism,
            MicroBatches = microBatches,
        }, group);
        while (trainer.Step < steps) trainer.TrainOne();
        if (trainer.CheckpointDue || steps < Steps) trainer.SaveCheckpoint();
        return new RankRun(trainer.Losses.ToArray(), Weights(trainer.Model), trainer.OptimizerStateBytes);
    }

    [Fact]
    public void Two_workers_compute_one_workers_losses_and_parameters_for_the_same_global_batch()
    {
        var one = Train("one", world: 1, DataParallelism.Replicated).Single();
        var two = Train("two", world: 2, DataParallelism.Replicated);

        Assert.Equal(Steps, one.Losses.Length);
        Assert.All(one.Losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(one.Losses[^1] < one.Losses[0], "the loss should fall over 20 steps");
        foreach (var rank in two)
        {
            for (var s = 0; s < Steps; s++)
                Assert.True(Math.Abs(one.Losses[s] - rank.Losses[s]) <= 1e-4, $"step {s}: one worker {one.Losses[s]}, two workers {rank.Losses[s]}");
            AssertSameWeights(one.Weights, rank.Weights, tolerance: 1e-4f);
        }
        // Both ranks hold the identical replica.
        AssertSameWeights(two[0].Weights, two[1].Weights, tolerance: 0);
    }

    [Fact]
    public void Zero1_updates_exactly_as_plain_data_parallelism_while_each_rank_keeps_part_of_the_optimizer_state()
    {
        var plain = Train("plain", world: 2, DataParallelism.Replicated, steps: 8);
        var zero = Train("zero", world: 2, DataParallelism.Zero1, steps: 8);

        for (var r = 0; r < 2; r++)
        {
            Assert.Equal(plain[r].Losses, zero[r].Losses);
            AssertSameWeights(plain[r].Weights, zero[r].Weights, tolerance: 0);
        }
        var replicated = plain[0].OptimizerStateBytes;
        Assert.Equal(replicated, zero[0].OptimizerStateBytes + zero[1].OptimizerStateBytes);
        Assert.All(zero, r => Assert.True(r.OptimizerStateBytes < replicated * 0.75, $"a ZeRO-1 rank holds {r.OptimizerStateBytes} of {replicated} bytes"));
    }

    [Fact]
    public void One_worker_with_one_micro_batch_is_the_single_process_trainer()
    {
        var distributed = Train("dp-one", world: 1, DataParallelism.Replicated, microBatches: 1, steps: 6).Single();
        using var single = Trainer.Open(data.Options(Path.Combine(root, "single"), Steps));
        single.Run(until: 6);

        Assert.Equal(single.Losses.ToArray(), distributed.Losses);
        AssertSameWeights(Weights(single.Model), distributed.Weights, tolerance: 0);
    }

    TrainerOptions Options(string name, IReadOnlyDictionary<string, double>? lossWeights = null) =>
        data.Options(Path.Combine(root, name), Steps) with { LossWeights = lossWeights ?? new Dictionary<string, double>() };

    [Fact]
    public void With_loss_weights_two_workers_compute_one_workers_losses_and_one_micro_batch_is_the_single_process_trainer()
    {
        var lossWeights = new Dictionary<string, double> { ["gridworld"] = 3, ["catch"] = 0.5 };
        var two = Train("lw-two", world: 2, DataParallelism.Replicated, steps: 6, lossWeights: lossWeights);
        var one = Train("lw-one", world: 1, DataParallelism.Replicated, steps: 6, lossWeights: lossWeights).Single();
        foreach (var rank in two)
            for (var s = 0; s < 6; s++)
                Assert.True(Math.Abs(one.Losses[s] - rank.Losses[s]) <= 1e-4, $"step {s}: one worker {one.Losses[s]}, two workers {rank.Losses[s]}");
        AssertSameWeights(one.Weights, two[0].Weights, tolerance: 1e-4f);

        // One micro-batch draws the single-process trainer's dropout masks: the same run exactly.
        var whole = Train("lw-whole", world: 1, DataParallelism.Replicated, microBatches: 1, steps: 3, lossWeights: lossWeights).Single();
        using var single = Trainer.Open(Options("lw-single", lossWeights));
        single.Run(until: 3);
        Assert.Equal(single.Losses.ToArray(), whole.Losses);

        // The weights change the loss from the first step, so this test can fail.
        using var plain = Trainer.Open(Options("lw-plain"));
        plain.Run(until: 1);
        Assert.True(Math.Abs(plain.Losses[0] - single.Losses[0]) > 1e-3, $"weighted {single.Losses[0]}, plain {plain.Losses[0]}");
    }

    [Fact]
    public void A_zero1_checkpoint_of_two_workers_resumes_with_one_worker_and_continues_the_same_run()
    {
        var straight = Train("straight", world: 2, DataParallelism.Zero1, steps: 8);
        Train("elastic", world: 2, DataParallelism.Zero1, steps: 4);
        var checkpoint = Trainer.LatestCheckpoint(Path.Combine(root, "elastic"))!;
        Assert.True(File.Exists(Path.Combine(checkpoint, "optimizer-rank-00000.safetensors")));
        Assert.True(File.Exists(Path.Combine(checkpoint, "optimizer-rank-00001.safetensors")));
        // Self-contained for serving, as a single-process checkpoint: the data's grid-world missions need it.
        Assert.True(File.Exists(Path.Combine(checkpoint, "text.model")), "the checkpoint carries the data's text model");

        var resumed = Train("elastic", world: 1, DataParallelism.Zero1, steps: 8).Single();

        Assert.Equal(8, resumed.Losses.Length);
        for (var s = 0; s < 8; s++)
            Assert.True(Math.Abs(straight[0].Losses[s] - resumed.Losses[s]) <= 1e-4, $"step {s}: {straight[0].Losses[s]} vs resumed {resumed.Losses[s]}");
        AssertSameWeights(straight[0].Weights, resumed.Weights, tolerance: 1e-4f);
    }

    [Fact]
    public void Micro_batches_that_do_not_divide_the_batch_are_refused_naming_the_option()
    {
        var error = Assert.Throws<AggregateException>(() => Train("bad", world: 1, DataParallelism.Replicated, microBatches: 3));
        var option = Assert.IsType<InvalidTrainingOptionException>(error.InnerExceptions.Single());
        Assert.Equal("MicroBatches", option.Field);
    }

    static Dictionary<string, float[]> Weights(GatoModel model) =>
        model.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.ToArray<float>());

    static void AssertSameWeights(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, float tolerance)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
        {
            var other = actual[name];
            var worst = values.Zip(other, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= tolerance, $"parameter {name} differs by {worst} (tolerance {tolerance})");
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
