using System.Text.Json.Nodes;

namespace GatoMesh.Bench;

/// <summary>Where benchmark results go: bench/results/NAME.json in the repository, plus stdout.</summary>
internal static class BenchResults
{
    public static void Write(string name, JsonObject result)
    {
        result["measured_at"] = DateTimeOffset.UtcNow.ToString("O");
        result["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}";
        var text = result.ToJsonString(new() { WriteIndented = true });
        var dir = ResultsFolder();
        File.WriteAllText(Path.Combine(dir, name + ".json"), text + "\n");
        Console.WriteLine(text);
        Console.Error.WriteLine($"bench: wrote {Path.Combine(dir, name + ".json")}");
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (GatoMesh.sln) above " + AppContext.BaseDirectory);
    }

    private static string ResultsFolder()
    {
        var dir = Path.Combine(RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
