namespace GatoMesh.Runtime;

/// <summary>Base of the errors the runtime itself raises (as opposed to errors thrown by grain code).</summary>
public class GrainRuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A call got no answer within its timeout (default 30 s).</summary>
public sealed class GrainCallTimeoutException(GrainId grain, string method, TimeSpan timeout)
    : GrainRuntimeException($"call {method} on grain {grain} timed out after {timeout.TotalMilliseconds:0} ms")
{
    public GrainId Grain { get; } = grain;
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>The silo or gateway that should carry the call is gone or unreachable; retrying later
/// (after membership settles) is expected to succeed.</summary>
public sealed class SiloUnavailableException(string message, Exception? inner = null)
    : GrainRuntimeException(message, inner);

/// <summary>A message was addressed to an incarnation (generation) of a silo that no longer exists;
/// the receiving silo refused it (a restarted silo is a different silo).</summary>
public sealed class SiloGenerationMismatchException(string message) : GrainRuntimeException(message);

/// <summary>Grain code on another silo threw; the original type name and message travel, not the object.</summary>
public sealed class RemoteGrainException(string exceptionType, string remoteMessage)
    : GrainRuntimeException($"{exceptionType}: {remoteMessage}")
{
    public string ExceptionType { get; } = exceptionType;
    public string RemoteMessage { get; } = remoteMessage;
}

/// <summary>No grain class is registered for an interface (the generator found no implementation in
/// any loaded assembly), or the interface itself is unknown.</summary>
public sealed class GrainTypeNotFoundException(string grainType)
    : GrainRuntimeException($"no grain class registered for grain type '{grainType}'")
{
    public string GrainType { get; } = grainType;
}
