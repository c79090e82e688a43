using GatoMesh.Torch;
using GatoMesh.Torch.Optim;

namespace GatoMesh.Model.Tests;

/// <summary><see cref="GatoModel.Precision"/> = bf16: the transformer's products in bfloat16 under CPU autocast,
/// fp32 logits, weights and gradients, and a model that still learns (docs/TRAINING.md, "Precision").</summary>
public class MixedPrecisionTests
{
    private static readonly GatoConfig Config = Presets.Tiny with { Dropout = 0 };

    [Fact]
    public void Bfloat16_logits_are_fp32_and_close_to_the_fp32_ones_but_not_equal()
    {
        var batch = TrainingBatch.Collate(MixedDataset.Episodes(Config, episodes: 2, steps: 2, seed: 11));
        using var model = new GatoModel(Config, seed: 12);
        var fp32 = Logits(model, batch);
        model.Precision = ComputePrecision.BFloat16;
        var bf16 = Logits(model, batch);
        Assert.False(AutocastScope.Enabled); // the model's scopes ended with its calls
        Assert.Equal(fp32.Length, bf16.Length);
        var scale = fp32.Max(Math.Abs);
        var worst = fp32.Zip(bf16, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst > 0, "bf16 logits equal the fp32 ones bit for bit: autocast did nothing");
        Assert.True(worst < 0.05 * scale, $"bf16 logits differ from fp32 by {worst}, logits up to {scale}");
    }

    static float[] Logits(GatoModel model, TrainingBatch batch)
    {
        using var scope = DisposeScope.Begin();
        using var noGrad = new NoGradScope();
        var logits = model.Logits(model.Forward(batch.Input));
        Assert.Equal(DType.Float32, logits.DType);
        return logits.ToArray<float>();
    }

    [Fact]
    public void A_tiny_bfloat16_model_overfits_a_tiny_mixed_dataset_with_fp32_gradients()
    {
        var batch = TrainingBatch.Collate(MixedDataset.Episodes(Config, episodes: 4, steps: 3, seed: 2));
        using var model = new GatoModel(Config, seed: 3) { Precision = ComputePrecision.BFloat16 };
        using var optimizer = new AdamW(model.NamedParameters().Select(p => KeyValuePair.Create(p.Name, p.Tensor)),
            new AdamWOptions { LearningRate = 3e-3, WeightDecay = 0 });
        var step = new TrainStep(model, optimizer);
        var first = step.Run(batch);
        Assert.True(first.Loss > 3, $"an untrained model is unsure: loss {first.Loss}");
        foreach (var (name, parameter) in model.NamedParameters())
        {
            Assert.Equal(DType.Float32, parameter.DType);
            using var grad = parameter.Grad;
            Assert.True(grad is null || grad.DType == DType.Float32, $"{name}'s gradient is {grad?.DType}");
        }
        var last = first;
        for (var i = 0; i < 400 && !(last.Loss < 0.02 && last.Accuracy == 1); i++) last = step.Run(batch);
        Assert.True(last.Loss < 0.02, $"loss {last.Loss} after training (first {first.Loss})");
        Assert.Equal(1.0, last.Accuracy);
    }

    [Fact]
    public void Precision_names_round_trip_and_anything_else_names_the_option()
    {
        foreach (var precision in Enum.GetValues<ComputePrecision>())
            Assert.Equal(precision, ComputePrecisions.Parse(precision.Name()));
        Assert.Equal("bf16", ComputePrecision.BFloat16.Name());
        var error = Assert.Throws<InvalidTrainingOptionException>(() => ComputePrecisions.Parse("fp16"));
        Assert.Equal("Precision", error.Field);
    }
}
