namespace GatoMesh.Cli.Tests;

/// <summary><c>gatomesh bench runtime</c> checks its settings before it starts anything. A full run is a
/// benchmark (bench/run.sh), minutes long and writing bench/results/runtime.json, so it is not run here.</summary>
public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("--silos", "1")]
    [InlineData("--grains", "0")]
    [InlineData("--seconds", "0")]
    public void Runtime_rejects_a_setting_it_cannot_run_with_naming_it(string option, string value)
    {
        Gatomesh.Run("bench", "runtime", option, value, "--json").AssertFailsNaming(option);
    }
}
