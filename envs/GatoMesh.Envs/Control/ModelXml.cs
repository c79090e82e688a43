namespace GatoMesh.Envs;

/// <summary>Our MJCF models, embedded in the assembly (Control/Models/*.xml) so an environment
/// needs no files beside the binary.</summary>
internal static class ModelXml
{
    public static string Load(string name)
    {
        using var stream = typeof(ModelXml).Assembly.GetManifestResourceStream($"GatoMesh.Envs.{name}.xml")
            ?? throw new InvalidOperationException($"no embedded model {name}.xml");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
