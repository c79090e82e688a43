using GatoMesh.Torch;
using GatoMesh.Torch.Optim;

namespace GatoMesh.Model;

/// <summary>What one training step measured: the masked loss before the update, the next-token accuracy
/// on the masked positions, and the gradient norm before clipping.</summary>
public readonly record struct TrainStepResult(double Loss, double Accuracy, double GradientNorm, int MaskedTokens);

/// <summary>
/// One optimization step of Gato (paper section 2.3): next-token cross-entropy over the text and action
/// targets only (observation tokens, patches and separators condition but are never predicted), global
/// gradient-norm clipping, then AdamW.
/// </summary>
public sealed class TrainStep(GatoModel model, AdamW optimizer, double maxGradientNorm = 1.0)
{
    public TrainStepResult Run(TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        model.Train();
        try
        {
            model.ZeroGrad();
            using var scope = DisposeScope.Begin();
            var (loss, accuracy, masked) = Loss(model, batch);
            var value = loss.Item();
            loss.Backward();
            var norm = GradientClipping.ClipByGlobalNorm(model.Parameters(), maxGradientNorm);
            // A non-finite gradient would poison every weight; skip the update (the clip left it alone).
            if (double.IsFinite(norm)) optimizer.Step();
            return new TrainStepResult(value, accuracy, norm, masked);
        }
        finally
        {
            model.Eval();
        }
    }

    /// <summary>The masked mean cross-entropy (a scalar tensor, differentiable), the accuracy of the argmax
    /// on the masked positions, and how many positions are masked in.</summary>
    internal static (Tensor Loss, double Accuracy, int Masked) Loss(GatoModel model, TrainingBatch batch)
    {
        var input = batch.Input;
        var n = (long)input.Batch * input.Length;
        if (batch.Targets.Length != n || batch.LossMask.Length != n)
            throw new InvalidModelInputException("targets", batch.Targets.Length, $"targets and loss mask need one entry per token ({n})");
        using var scope = DisposeScope.Begin();
        var device = model.Embed.Tokens.Weight.Device;
        var logits = model.Logits(model.Forward(input)).View(n, model.Config.VocabSize);
        var targets = Tensor.From<long>(batch.Targets, [n], device);
        var (loss, _) = Functional.MaskedCrossEntropy(logits, targets, Tensor.From<bool>(batch.LossMask, [n], device));
        var predicted = logits.ArgMax(-1).ToArray<long>();
        int masked = 0, correct = 0;
        for (var i = 0; i < n; i++)
        {
            if (!batch.LossMask[i]) continue;
            masked++;
            if (predicted[i] == batch.Targets[i]) correct++;
        }
        return (loss.MoveToOuterScope(), masked == 0 ? 0 : (double)correct / masked, masked);
    }
}
