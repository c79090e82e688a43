using System.Diagnostics;
using GatoMesh.Runtime.Membership;

namespace GatoMesh.Cli;

/// <summary>
/// Where the local cluster's pieces live in a GatoMesh checkout: the state directory (.gatomesh at the
/// repository root, which git ignores, unless GATOMESH_STATE_DIR names another) and the silo executable: the
/// product silo (silos/GatoMesh.Silo), which serves sessions through its gateway.
/// </summary>
internal static class ClusterLayout
{
    private static readonly string[] SiloAssemblies =
    [
        "silos/GatoMesh.Silo/bin/Release/net10.0/GatoMesh.Silo.dll",
        "silos/GatoMesh.Silo/bin/Debug/net10.0/GatoMesh.Silo.dll",
    ];

    /// <summary>The checkout holding GatoMesh.sln: above the current directory, else above this executable.</summary>
    public static string RepositoryRoot() =>
        Above(Directory.GetCurrentDirectory()) ?? Above(AppContext.BaseDirectory)
        ?? throw new LocalClusterException($"no GatoMesh checkout (GatoMesh.sln) above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}");

    /// <summary>Environment variable naming another state directory, so a test (or a second developer
    /// cluster) keeps its record and logs apart from the checkout's .gatomesh/.</summary>
    public const string StateDirectoryVariable = "GATOMESH_STATE_DIR";

    public static string StateDirectory(string root) =>
        Environment.GetEnvironmentVariable(StateDirectoryVariable) is { Length: > 0 } chosen
            ? Path.GetFullPath(chosen)
            : Path.Combine(root, ".gatomesh");

    private const string SiloProject = "silos/GatoMesh.Silo/GatoMesh.Silo.csproj";

    /// <summary>The first built silo assembly. On a fresh checkout none is built: like the ./gatomesh wrapper,
    /// build it (Release, output in .gatomesh/logs/build-silo.log) instead of failing. A silo built before
    /// later source changes is used as it is; rebuild it, or run build/setup.sh, to pick them up.</summary>
    public static async Task<string> SiloAssemblyAsync(string root, Action<string> progress, CancellationToken cancellation)
    {
        var built = SiloAssemblies.Select(p => Path.Combine(root, p)).FirstOrDefault(File.Exists);
        if (built is not null)
            return built;
        var log = Path.Combine(StateDirectory(root), "logs", "build-silo.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        progress($"building the silo ({SiloProject}, about a minute)");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "build", Path.Combine(root, SiloProject), "-c", "Release", "--nologo", "-v", "quiet" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var build = Process.Start(start) ?? throw new LocalClusterException($"could not run dotnet build {SiloProject}");
        var output = Task.WhenAll(build.StandardOutput.ReadToEndAsync(cancellation), build.StandardError.ReadToEndAsync(cancellation));
        await build.WaitForExitAsync(cancellation);
        await File.WriteAllTextAsync(log, string.Concat(await output), cancellation);
        var path = Path.Combine(root, SiloAssemblies[0]);
        if (build.ExitCode != 0 || !File.Exists(path))
            throw new LocalClusterException($"building {SiloProject} failed (exit code {build.ExitCode}); see {log}");
        return path;
    }

    private static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln")))
                return dir.FullName;
        return null;
    }
}
