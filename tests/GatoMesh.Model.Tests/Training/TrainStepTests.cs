using GatoMesh.Tokens;
using GatoMesh.Torch;
using GatoMesh.Torch.Optim;

namespace GatoMesh.Model.Tests;

public class TrainStepTests
{
    private static readonly GatoConfig Config = Presets.Tiny with { Dropout = 0 };

    [Fact]
    public void Collation_targets_the_next_token_with_its_loss_bit_and_pads_after_the_tokens()
    {
        var sequences = MixedDataset.Episodes(Config, episodes: 2, steps: 1, seed: 1);
        var shorter = new TokenBuffer();
        shorter.Append(sequences[1]);
        shorter.Truncate(sequences[1].Count - 3);
        var batch = TrainingBatch.Collate([sequences[0], shorter]);
        var t = batch.Input.Length;
        Assert.Equal(sequences[0].Count, t);
        for (var i = 0; i + 1 < sequences[0].Count; i++)
        {
            Assert.Equal(Math.Max(sequences[0].Ids[i + 1], 0), batch.Targets[i]);
            Assert.Equal(sequences[0].LossMask[i + 1], batch.LossMask[i]);
        }
        Assert.False(batch.LossMask[t - 1]);
        Assert.All(Enumerable.Range(shorter.Count - 1, t - shorter.Count + 1), i => Assert.False(batch.LossMask[t + i]));
        Assert.Equal(t - shorter.Count, batch.Input.Valid!.Skip(t).Count(v => !v));
        Assert.Equal(sequences[0].PatchCount + shorter.PatchCount, batch.Input.Tokens.PatchCount);
        // Observations are never targets: the mask is 1 exactly on next-token text and action ids.
        Assert.Contains(true, batch.LossMask);
        Assert.Contains(false, batch.LossMask.Take(sequences[0].Count - 1));
    }

    [Fact]
    public void A_tiny_model_overfits_a_tiny_mixed_dataset()
    {
        var batch = TrainingBatch.Collate(MixedDataset.Episodes(Config, episodes: 4, steps: 3, seed: 2));
        using var model = new GatoModel(Config, seed: 3);
        using var optimizer = new AdamW(model.NamedParameters().Select(p => KeyValuePair.Create(p.Name, p.Tensor)),
            new AdamWOptions { LearningRate = 3e-3, WeightDecay = 0 });
        var step = new TrainStep(model, optimizer);
        var first = step.Run(batch);
        Assert.True(first.Loss > 3, $"an untrained model is unsure: loss {first.Loss}");
        var last = first;
        for (var i = 0; i < 400 && !(last.Loss < 0.02 && last.Accuracy == 1); i++) last = step.Run(batch);
        Assert.True(last.Loss < 0.02, $"loss {last.Loss} after training (first {first.Loss})");
        Assert.Equal(1.0, last.Accuracy);
        Assert.False(model.Training); // the step leaves the model in evaluation mode
    }

    [Fact]
    public void The_loss_ignores_observation_targets_in_value_and_gradient()
    {
        var batch = TrainingBatch.Collate(MixedDataset.Episodes(Config, episodes: 2, steps: 2, seed: 4));
        using var model = new GatoModel(Config, seed: 5);
        var observation = Array.IndexOf(batch.LossMask, false);
        var learned = Array.IndexOf(batch.LossMask, true);
        var baseline = LossAndGradients(model, batch);

        var targets = (long[])batch.Targets.Clone();
        targets[observation] = (targets[observation] + 7) % Config.VocabSize;
        var changed = LossAndGradients(model, batch with { Targets = targets });
        Assert.Equal(baseline.Loss, changed.Loss);
        Assert.Equal(baseline.Gradients, changed.Gradients);

        // The same change on a text or action target does move the loss, so the test can fail.
        targets = (long[])batch.Targets.Clone();
        targets[learned] = (targets[learned] + 7) % Config.VocabSize;
        Assert.NotEqual(baseline.Loss, LossAndGradients(model, batch with { Targets = targets }).Loss);
    }

    [Fact]
    public void Loss_weights_make_the_loss_the_weighted_mean_of_each_sequences_tokens()
    {
        var sequences = MixedDataset.Episodes(Config, episodes: 3, steps: 2, seed: 11);
        using var model = new GatoModel(Config, seed: 12);
        // Each sequence alone: its mean loss and how many tokens it counts.
        var alone = sequences.Select(s =>
        {
            var single = TrainingBatch.Collate([s]);
            return (Loss: LossAndGradients(model, single).Loss, Tokens: single.LossMask.Count(bit => bit));
        }).ToArray();
        double[] weights = [4, 1, 0.5];
        var weighted = TrainingBatch.Collate(sequences, weights);
        var expected = alone.Select((a, b) => weights[b] * a.Tokens * a.Loss).Sum() / alone.Select((a, b) => weights[b] * a.Tokens).Sum();
        Assert.Equal(expected, LossAndGradients(model, weighted).Loss, 4);
        Assert.Equal(alone.Select((a, b) => weights[b] * a.Tokens).Sum(), weighted.MaskedWeight(), 6);
        // The plain mean differs, so the weights did something.
        var plain = TrainingBatch.Collate(sequences);
        Assert.NotEqual(expected, LossAndGradients(model, plain).Loss, 3);

        // Weights of 1 are the unweighted batch, bit for bit.
        var ones = TrainingBatch.Collate(sequences, [1, 1, 1]);
        Assert.Null(ones.SequenceWeights);
        Assert.Equal(LossAndGradients(model, plain).Gradients, LossAndGradients(model, ones).Gradients);
        Assert.Throws<InvalidModelInputException>(() => TrainingBatch.Collate(sequences, [1, 2]));

        // Only the ratios count, even for weights whose sum is below 1.
        var tiny = TrainingBatch.Collate(sequences, [.. weights.Select(w => w * 1e-4)]);
        Assert.Equal(expected, LossAndGradients(model, tiny).Loss, 4);
    }

    [Fact]
    public void A_collated_sequence_computes_what_the_buffer_computes_alone()
    {
        var sequences = MixedDataset.Episodes(Config, episodes: 2, steps: 2, seed: 6);
        var batch = TrainingBatch.Collate(sequences);
        using var model = new GatoModel(Config, seed: 7);
        using var scope = DisposeScope.Begin();
        var batched = model.Forward(batch.Input);
        for (var b = 0; b < sequences.Length; b++)
        {
            var alone = model.Forward(ModelInput.Single(TokenBatchInputs.From(sequences[b])));
            Assert.True(alone.AllClose(batched.Narrow(0, b, 1).Narrow(1, 0, sequences[b].Count), 1e-4, 1e-4), $"sequence {b}");
        }
    }

    [Fact]
    public void A_batch_with_nothing_to_learn_has_zero_loss_and_leaves_the_weights_alone()
    {
        var batch = TrainingBatch.Collate(MixedDataset.Episodes(Config, episodes: 1, steps: 1, seed: 9));
        batch = batch with { LossMask = new bool[batch.LossMask.Length] };
        using var model = new GatoModel(Config, seed: 9);
        using var optimizer = new AdamW(model.NamedParameters().Select(p => KeyValuePair.Create(p.Name, p.Tensor)),
            new AdamWOptions { WeightDecay = 0 });
        using var before = model.Embed.Tokens.Weight.Clone();
        var result = new TrainStep(model, optimizer).Run(batch);
        Assert.Equal((0.0, 0), (result.Loss, result.MaskedTokens));
        Assert.True(before.AllClose(model.Embed.Tokens.Weight, 0, 0));
    }

    [Fact]
    public void Dropout_acts_only_in_training_mode()
    {
        var config = Presets.Tiny with { Dropout = 0.5f };
        using var model = new GatoModel(config, seed: 8);
        var input = ModelInput.Single(SampleTokens.Random(config, 10, seed: 8));
        using var scope = DisposeScope.Begin();
        Assert.True(model.Forward(input).AllClose(model.Forward(input), 0, 0)); // a new model evaluates
        model.Train();
        Assert.False(model.Forward(input).AllClose(model.Forward(input)));
        model.Eval();
        Assert.True(model.Forward(input).AllClose(model.Forward(input), 0, 0));
    }

    [Fact]
    public void Dropout_masks_come_from_the_models_own_generator_not_the_global_one()
    {
        var config = Presets.Tiny with { Dropout = 0.5f };
        using var model = new GatoModel(config, seed: 8);
        var input = ModelInput.Single(SampleTokens.Random(config, 10, seed: 8));
        using var scope = DisposeScope.Begin();
        model.Train();
        model.DropoutGenerator.ManualSeed(5);
        Torch.Torch.ManualSeed(1);
        var first = model.Forward(input);
        model.DropoutGenerator.ManualSeed(5);
        Torch.Torch.ManualSeed(2); // another user of the global generator must not shift the masks
        Assert.True(first.AllClose(model.Forward(input), 0, 0));
    }

    private static (double Loss, float[] Gradients) LossAndGradients(GatoModel model, TrainingBatch batch)
    {
        model.ZeroGrad();
        using var scope = DisposeScope.Begin();
        var (loss, _, _, _) = TrainStep.Loss(model, batch);
        loss.Backward();
        var gradients = model.Parameters().SelectMany(p =>
        {
            using var g = p.Grad!;
            return g.ToArray<float>();
        }).ToArray();
        return (loss.Item(), gradients);
    }
}
