namespace GatoMesh.Torch.Nn;

/// <summary>Inverted dropout while <see cref="Module.Training"/>; the identity in evaluation mode.
/// Draws from <paramref name="generator"/> when given (repeatable), else from the default generator.</summary>
public sealed class Dropout(double p, Generator? generator = null) : Module
{
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");

    public Tensor Forward(Tensor x) => Functional.Dropout(x, P, Training, generator);
}
