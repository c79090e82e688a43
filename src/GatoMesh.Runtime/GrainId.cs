namespace GatoMesh.Runtime;

/// <summary>A grain's identity: its type name and a string key chosen by the caller (Orleans' model).</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}
