using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>The block's MLP: fc2(GELU(fc1(x))), GELU exact (erf), width -> Ffn -> width.</summary>
public sealed class FeedForward : Module
{
    internal FeedForward(GatoConfig config, Generator generator, Device? device)
    {
        Fc1 = RegisterModule("fc1", new Linear(config.Width, config.Ffn, generator: generator, device: device));
        Fc2 = RegisterModule("fc2", new Linear(config.Ffn, config.Width, generator: generator, device: device));
    }

    public Linear Fc1 { get; }
    public Linear Fc2 { get; }

    public Tensor Forward(Tensor x)
    {
        using var hidden = Fc1.Forward(x);
        using var active = Functional.Gelu(hidden);
        return Fc2.Forward(active);
    }
}
