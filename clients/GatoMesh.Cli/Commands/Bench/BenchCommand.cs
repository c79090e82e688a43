using System.CommandLine;

namespace GatoMesh.Cli.Commands.Bench;

/// <summary><c>gatomesh bench ...</c>: benchmarks that start what they measure themselves.</summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "run a benchmark and report its figures")
    {
        RuntimeBenchCommand.Create(),
    };
}
