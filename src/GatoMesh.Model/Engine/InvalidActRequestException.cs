namespace GatoMesh.Model.Engine;

/// <summary>A request the engine refuses, naming the offending field and value. Other sequences are
/// unaffected.</summary>
public sealed class InvalidActRequestException(string field, object? value, string reason)
    : ArgumentException($"act request field '{field}' = {value}: {reason}")
{
    public string Field { get; } = field;
}
