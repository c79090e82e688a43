namespace GatoMesh.Cli.Tests;

/// <summary>One gatomesh invocation: arguments, and optionally a working directory, extra environment
/// variables and a deadline other than <see cref="Gatomesh.DefaultDeadline"/>.</summary>
internal sealed record CliRun(IReadOnlyList<string> Args)
{
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public TimeSpan? Deadline { get; init; }
}
