using System.CommandLine;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh model ...</c>: presets, seeded checkpoints, logits (docs/MODEL.md) and the action probe (docs/TRAINING.md).</summary>
internal static class ModelCommand
{
    public static Command Create() => new("model", "inspect presets, write seeded checkpoints, compute logits, probe predicted actions, export for serving")
    {
        ModelInfoCommand.Create(),
        ModelInitCommand.Create(),
        ModelLogitsCommand.Create(),
        ModelProbeCommand.Create(),
        ModelExportCommand.Create(),
    };
}
