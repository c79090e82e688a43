using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary>What one gatomesh run did: exit code, stdout and stderr.</summary>
internal sealed record CliResult(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The --json contract: exit code 0 and stdout is exactly one JSON object (progress belongs on
    /// stderr). JsonDocument.Parse rejects anything after the object, so junk on stdout fails here.</summary>
    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}, expected 0\n{this}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Stdout);
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not one JSON object ({e.Message})\n{this}");
        }
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement;
    }

    /// <summary>A failure as scripts see it: exit code 1, nothing on stdout, and one stderr message
    /// that contains every given fragment (the field and value it is about).</summary>
    public void AssertFailsNaming(params string[] fragments)
    {
        Assert.True(ExitCode == 1, $"exit code {ExitCode}, expected 1\n{this}");
        Assert.True(Stdout.Trim().Length == 0, $"a failed command printed to stdout\n{this}");
        foreach (var fragment in fragments)
            Assert.True(Stderr.Contains(fragment, StringComparison.Ordinal), $"stderr does not name '{fragment}'\n{this}");
    }

    public override string ToString() =>
        $"gatomesh {string.Join(' ', Args)}\n--- exit code {ExitCode}\n--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}";
}
