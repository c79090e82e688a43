namespace GatoMesh.Cli.Tests;

/// <summary>One tiny expert dataset made by <c>gatomesh data generate</c>, shared by the data and train
/// tests (generation is the slow part). Tests that damage data copy it first.</summary>
public sealed class GeneratedData : IDisposable
{
    private readonly TempDirectory dir = new();

    public GeneratedData()
    {
        Generate = Gatomesh.Run(new CliRun(["data", "generate", "--tasks", "catch,gridworld", "--episodes", "4",
            "--random-episodes", "4", "--out", Directory, "--json"]) { Deadline = TimeSpan.FromSeconds(150) });
    }

    public string Directory => dir["data"];

    /// <summary>The generate run itself, which the data tests assert on.</summary>
    internal CliResult Generate { get; }

    public void Dispose() => dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class GeneratedDataCollection : ICollectionFixture<GeneratedData>
{
    public const string Name = "generated data";
}
