namespace GatoMesh.Cli;

/// <summary>
/// Where the local cluster's pieces live in a GatoMesh checkout: the state directory (.gatomesh at the
/// repository root, which git ignores, unless GATOMESH_STATE_DIR names another).
/// </summary>
internal static class ClusterLayout
{
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

    private static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln")))
                return dir.FullName;
        return null;
    }
}
