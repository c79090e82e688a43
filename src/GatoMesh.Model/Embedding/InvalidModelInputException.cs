namespace GatoMesh.Model;

/// <summary>A model input out of range, naming the field and value.</summary>
public sealed class InvalidModelInputException(string field, object? value, string reason)
    : Exception($"model input '{field}' = {value}: {reason}")
{
    public string Field { get; } = field;
}
