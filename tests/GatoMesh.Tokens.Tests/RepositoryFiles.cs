namespace GatoMesh.Tokens.Tests;

/// <summary>Files of the repository the tests check (the documented examples must keep working).</summary>
internal static class RepositoryFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GatoMesh.sln")))
                return System.IO.Path.Combine(dir.FullName, relative);
        throw new DirectoryNotFoundException("GatoMesh.sln not found above " + AppContext.BaseDirectory);
    }
}
