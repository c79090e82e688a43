using System.CommandLine;

namespace GatoMesh.Cli;

/// <summary>Runs the parsed command and turns an exception into one line on stderr and exit code 1,
/// so scripts see a clear error instead of a stack trace (set GATOMESH_TRACE=1 for the trace).</summary>
internal static class CliRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        try
        {
            return root.Parse(args).Invoke(config);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"gatomesh: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("GATOMESH_TRACE") == "1")
                Console.Error.WriteLine(e);
            return 1;
        }
    }
}
