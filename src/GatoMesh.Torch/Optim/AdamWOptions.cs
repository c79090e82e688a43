namespace GatoMesh.Torch.Optim;

/// <summary>AdamW hyper-parameters; the defaults are Gato's (paper section 2.3 and appendix: betas
/// (0.9, 0.95), epsilon 1e-8, weight decay 0.1, peak learning rate 1e-4).</summary>
public sealed record AdamWOptions
{
    public double LearningRate { get; init; } = 1e-4;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public double Epsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; } = 0.1;

    internal void Validate()
    {
        if (!(LearningRate >= 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "a finite learning rate >= 0");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "beta1 must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "beta2 must be in [0, 1)");
        if (!(Epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "epsilon must be > 0");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must be >= 0");
    }
}
