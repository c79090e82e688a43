using GatoMesh.Grains;

namespace GatoMesh.Client;

/// <summary>A request the gateway or the session refused, or one that could not be delivered after
/// <see cref="GatoMeshClientOptions.MaxAttempts"/> tries (<see cref="SessionErrorCode.Unavailable"/>).
/// <see cref="Field"/> names the offending field (dotted path, e.g. <c>observation.camera</c>).</summary>
public sealed class GatoMeshException : Exception
{
    public GatoMeshException(SessionErrorCode code, string field, string message, Exception? inner = null)
        : base($"{code} ({field}): {message}", inner)
    {
        Code = code;
        Field = field;
    }

    internal GatoMeshException(SessionError error) : this(error.Code, error.Field, error.Message)
    {
    }

    public SessionErrorCode Code { get; }

    public string Field { get; }
}
