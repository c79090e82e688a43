namespace GatoMesh.Runtime.Transport;

/// <summary>What a frame carries (the byte after the version byte). See docs/RUNTIME.md, "Wire format".</summary>
internal enum FrameKind : byte
{
    Request = 1,
    Response = 2,
    Ping = 3,
    Pong = 4,
    ListActivations = 5,
    ActivationList = 6,
    ListGateways = 7,
    GatewayList = 8,
}

/// <summary>Outcome of a request, first byte of a response body after the correlation id.</summary>
internal enum ResponseStatus : byte
{
    Ok = 0,
    /// <summary>Grain code threw: exception type name and message follow.</summary>
    GrainError = 1,
    /// <summary>The request named an older incarnation of the receiving silo.</summary>
    GenerationMismatch = 2,
    /// <summary>The silo cannot serve (stopping, declared dead, or forwarding failed): retry later.</summary>
    Unavailable = 3,
    /// <summary>The request was malformed or named an unknown grain type or method.</summary>
    BadRequest = 4,
    /// <summary>Forwarding gave up (too many hops while views disagree).</summary>
    Timeout = 5,
}
