namespace GatoMesh.Cli;

/// <summary>How to run this very gatomesh again as a child process: the apphost itself, or
/// <c>dotnet gatomesh.dll</c> when it was started that way.</summary>
internal static class SelfCommand
{
    /// <summary>The program and the arguments before the subcommand.</summary>
    public static string[] Arguments()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this executable is unknown");
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? [self, typeof(SelfCommand).Assembly.Location] : [self];
    }
}
