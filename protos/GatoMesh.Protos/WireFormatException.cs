namespace GatoMesh.Protos;

/// <summary>A wire message that parsed but cannot become a grain message (a field with no kind set, a
/// number out of range). <see cref="Field"/> is the dotted path of the offending field, as in
/// <c>SessionError.Field</c>; the gateway answers it as <c>MalformedRequest</c>.</summary>
public sealed class WireFormatException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;

    public string Reason { get; } = message;
}
