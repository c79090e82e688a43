using System.CommandLine;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh tokens ...</c>: the Gato token space from the command line (docs/TOKENS.md).</summary>
internal static class TokensCommand
{
    public static Command Create() => new("tokens", "tokenize values, observations and text the way the model sees them")
    {
        MuLawCommand.Create(),
        EncodeCommand.Create(),
        TrainTextCommand.Create(),
    };
}
