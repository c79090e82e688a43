namespace GatoMesh.Cli;

/// <summary>
/// The weights the demo serves without training: gato-small trained by <c>gatomesh train</c> with the documented
/// recipe (docs/TRAINING.md, "Shipped weights"; its trainer.json records the command, seed, data seed and commit),
/// stored in bfloat16 in the repository's <c>models/gato-small/</c>.
/// </summary>
internal static class ShippedWeights
{
    public const string Folder = "models/gato-small";

    /// <summary>The folder in the checkout the CLI was built from (found upward from the binary), or null.</summary>
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Folder);
            if (File.Exists(Path.Combine(candidate, Model.Checkpoint.ConfigFile))) return candidate;
        }
        return null;
    }
}
