using System.CommandLine;
using GatoMesh.Silo;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh silo [OPTIONS]</c>: runs one silo process in the foreground (silos/GatoMesh.Silo/README.md
/// lists the options): the embedded default alone, or a member of a Redis cluster with <c>--redis</c>. It prints a
/// ready line once it serves and stops gracefully on SIGTERM; bad options exit with code 2 and a message naming
/// the option.</summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var command = new Command("silo", "run one silo (Orleans, the model, the gateway) in the foreground; options: silos/GatoMesh.Silo/README.md")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, _) => SiloProcess.RunAsync(parse.UnmatchedTokens));
        return command;
    }
}
