using System.CommandLine;

namespace GatoMesh.Cli;

/// <summary>Runs the parsed command and turns an exception into one line on stderr and exit code 1,
/// so scripts see a clear error instead of a stack trace (set GATOMESH_TRACE=1 for the trace).</summary>
internal static class CliRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        // A parse error (unknown or missing option) prints its message and the command's help; both go to
        // stderr, so stdout stays empty on failure and `--json` output is never help text.
        var config = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = parsed.Errors.Count > 0 ? Console.Error : Console.Out,
        };
        try
        {
            return parsed.Invoke(config);
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
