using GatoMesh.Runtime.Membership;

namespace GatoMesh.Cli;

/// <summary>
/// Where the local cluster's pieces live in a GatoMesh checkout: the state directory (.gatomesh at the
/// repository root, which git ignores) and the silo executable. The silo is, for now, the runtime's test
/// silo (tests/GatoMesh.Runtime.TestSilo); it becomes silos/GatoMesh.Silo once that host exists, with the
/// same command line.
/// </summary>
internal static class ClusterLayout
{
    private static readonly string[] SiloAssemblies =
    [
        "tests/GatoMesh.Runtime.TestSilo/bin/Release/net10.0/GatoMesh.Runtime.TestSilo.dll",
        "tests/GatoMesh.Runtime.TestSilo/bin/Debug/net10.0/GatoMesh.Runtime.TestSilo.dll",
    ];

    /// <summary>The checkout holding GatoMesh.sln: above the current directory, else above this executable.</summary>
    public static string RepositoryRoot() =>
        Above(Directory.GetCurrentDirectory()) ?? Above(AppContext.BaseDirectory)
        ?? throw new LocalClusterException($"no GatoMesh checkout (GatoMesh.sln) above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}");

    public static string StateDirectory(string root) => Path.Combine(root, ".gatomesh");

    /// <summary>The first built silo assembly; the Release path if none is built (the launcher then says to build it).</summary>
    public static string SiloAssembly(string root) =>
        SiloAssemblies.Select(p => Path.Combine(root, p)).FirstOrDefault(File.Exists) ?? Path.Combine(root, SiloAssemblies[0]);

    private static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln")))
                return dir.FullName;
        return null;
    }
}
