using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary><c>gatomesh info --json</c> (README.md): what this installation runs on.</summary>
public sealed class InfoCommandTests
{
    [Fact]
    public void Json_names_the_versions_the_cpu_device_and_the_thread_count()
    {
        var info = Gatomesh.Run("info", "--json").Json();

        Assert.Matches(@"^\d+\.\d+\.\d+$", info.GetProperty("gatomesh").GetString());
        Assert.Matches(@"^\d+\.\d+", info.GetProperty("libtorch").GetString());
        var devices = info.GetProperty("devices").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Contains("cpu", devices);
        Assert.True(info.GetProperty("threads").GetInt32() >= 1);
    }

    [Fact]
    public void Without_json_it_prints_a_table_with_the_same_facts()
    {
        var result = Gatomesh.Run("info");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("libtorch", result.Stdout);
        Assert.Contains("cpu", result.Stdout);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(result.Stdout));
    }
}
