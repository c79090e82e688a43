using System.CommandLine;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh data ...</c>: expert datasets in shards (docs/DATA.md).</summary>
internal static class DataCommand
{
    public static Command Create() => new("data", "generate and check expert episode shards")
    {
        GenerateCommand.Create(),
        VerifyCommand.Create(),
    };
}
