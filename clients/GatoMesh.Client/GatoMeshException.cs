
using GatoMesh.Protos.V1;

namespace GatoMesh.Client;

/// <summary>A request the gateway or the session refused, or one that could not be delivered after
/// <see cref="GatoMeshClientOptions.MaxAttempts"/> tries (<see cref="ErrorCode.Unavailable"/>).
/// <see cref="Field"/> names the offending field (dotted path, e.g. <c>observation.camera</c>).</summary>
public sealed class GatoMeshException : Exception
{
    public GatoMeshException(ErrorCode code, string field, string message, Exception? inner = null)
        : base($"{code} ({field}): {message}", inner)
    {
        Code = code;
        Field = field;
    }

    internal GatoMeshException(Error error) : this(error.Code, error.Field, error.Message)
    {
    }

    /// <summary>The wire schema's error code (protos/gatomesh/v1/gateway.proto, <c>ErrorCode</c>).</summary>
    public ErrorCode Code { get; }

    public string Field { get; }
}
