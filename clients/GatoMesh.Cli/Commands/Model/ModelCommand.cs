using System.CommandLine;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh model ...</c>: presets, seeded checkpoints and logits (docs/MODEL.md).</summary>
internal static class ModelCommand
{
    public static Command Create() => new("model", "inspect presets, write seeded checkpoints, compute logits")
    {
        ModelInfoCommand.Create(),
        ModelInitCommand.Create(),
        ModelLogitsCommand.Create(),
    };
}
