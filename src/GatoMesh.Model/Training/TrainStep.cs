using GatoMesh.Torch;
using GatoMesh.Torch.Optim;

namespace GatoMesh.Model;

/// <summary>What one training step measured: the masked loss before the update, the next-token accuracy
/// on the masked positions, the gradient norm before clipping, and, when the batch names each sequence's group
/// (<see cref="TrainingBatch.SequenceGroups"/>), each group's unweighted mean loss over its own masked tokens (NaN
/// for a group with none in the batch).</summary>
public readonly record struct TrainStepResult(double Loss, double Accuracy, double GradientNorm, int MaskedTokens, double[]? GroupLosses = null);

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
            var (loss, accuracy, masked, groups) = Loss(model, batch);
            var value = loss.Item();
            loss.Backward();
            var norm = GradientClipping.ClipByGlobalNorm(model.Parameters(), maxGradientNorm);
            // A non-finite gradient would poison every weight; skip the update (the clip left it alone).
            if (double.IsFinite(norm)) optimizer.Step();
            return new TrainStepResult(value, accuracy, norm, masked, groups);
        }
        finally
        {
            model.Eval();
        }
    }

    /// <summary>The masked mean cross-entropy (a scalar tensor, differentiable; weighted by
    /// <see cref="TrainingBatch.SequenceWeights"/> when it has them), the accuracy of the argmax on the masked
    /// positions, how many positions are masked in, and the groups' mean losses (<see cref="TrainStepResult.GroupLosses"/>).</summary>
    internal static (Tensor Loss, double Accuracy, int Masked, double[]? Groups) Loss(GatoModel model, TrainingBatch batch)
    {
        var input = batch.Input;
        var n = (long)input.Batch * input.Length;
        if (batch.Targets.Length != n || batch.LossMask.Length != n)
            throw new InvalidModelInputException("targets", batch.Targets.Length, $"targets and loss mask need one entry per token ({n})");
        var counted = new List<long>();
        for (var i = 0; i < n; i++) if (batch.LossMask[i]) counted.Add(i);
        using var scope = DisposeScope.Begin();
        var device = model.Embed.Tokens.Weight.Device;
        var hidden = model.Forward(input).View(n, model.Config.Width);
        // Scores only where the loss counts: the output projection is a large share of the compute,
        // and most control tokens are observations. The mean is the same as masking full logits.
        var m = counted.Count;
        if (m == 0) return ((hidden.Sum() * 0.0).MoveToOuterScope(), 0, 0, batch.SequenceGroups is null ? null : GroupMeans(batch, counted, []));
        var logits = model.Logits(hidden.IndexSelect(0, Tensor.From<long>(counted.ToArray(), [m], device)));  // [m, Vt]
        var targets = counted.Select(i => batch.Targets[i]).ToArray();
        var weights = batch.SequenceWeights is null ? null : counted.Select(batch.WeightAt).ToArray();
        // The kernel divides by max(sum of weights, 1); relative to the largest the sum is at least 1, so the
        // result is the weighted mean however small the weights (the mean does not change with their scale).
        var top = weights?.Max() ?? 1f;
        var mask = weights is null ? Tensor.Ones([m], DType.Bool, device) : Tensor.From<float>([.. weights.Select(w => w / top)], [m], device);
        var (loss, perToken) = Functional.MaskedCrossEntropy(logits, Tensor.From<long>(targets, [m], device), mask);
        var predicted = logits.ArgMax(-1).ToArray<long>();
        var correct = 0;
        for (var i = 0; i < m; i++) if (predicted[i] == targets[i]) correct++;
        var groups = batch.SequenceGroups is null ? null : GroupMeans(batch, counted, perToken.ToArray<float>());
        return (loss.MoveToOuterScope(), (double)correct / m, m, groups);
    }

    /// <summary>Each group's mean of the per-token cross-entropies of its sequences' masked positions.</summary>
    static double[] GroupMeans(TrainingBatch batch, List<long> counted, float[] perToken)
    {
        var groupOf = batch.SequenceGroups!;
        var count = groupOf.Count == 0 ? 0 : groupOf.Max() + 1;
        var sums = new double[count];
        var tokens = new int[count];
        for (var i = 0; i < perToken.Length; i++)
        {
            var group = groupOf[(int)(counted[i] / batch.Input.Length)];
            sums[group] += perToken[i];
            tokens[group]++;
        }
        for (var g = 0; g < count; g++) sums[g] = tokens[g] > 0 ? sums[g] / tokens[g] : double.NaN;
        return sums;
    }
}
