namespace GatoMesh.Grains;

/// <summary>
/// One agent's episode session (ARCHITECTURE.md, "Serving path"): holds the embodiment spec, the
/// prompt and the context window; tokenizes each observation, asks its silo's inference grain for the
/// action, appends it and persists the step before answering, so the context survives a crash of its
/// silo. The key is chosen by the client and namespaced by fleet (<see cref="SessionKeys.Of"/>), so a
/// fleet can only ever reach its own sessions; each request also names the fleet, which the session
/// checks. Errors are replies (<see cref="SessionError"/>), never exceptions.
/// </summary>
[Alias("gatomesh.IEpisodeSessionGrain")]
public interface IEpisodeSessionGrain : IGrainWithStringKey
{
    Task<SessionReply> Open(OpenSessionRequest request);

    Task<StepReply> Step(StepRequest request);

    Task<SessionReply> Reset(ResetRequest request);

    /// <summary>Ends the session and deletes its persisted state; afterwards the session is unknown
    /// (<see cref="SessionErrorCode.UnknownSession"/>) until it is opened again. Closing twice is fine.</summary>
    Task<SessionReply> Close(string fleet);

    Task<SessionReply> Describe(string fleet);
}

/// <summary>How a fleet's session id becomes a grain key.</summary>
public static class SessionKeys
{
    /// <summary>Longest session id a client may choose.</summary>
    public const int MaxSessionIdLength = 128;

    public static string Of(string fleet, string sessionId) => $"{fleet}/{sessionId}";

    /// <summary>Null when <paramref name="sessionId"/> is acceptable, else why not.</summary>
    public static string? Check(string? sessionId) => sessionId switch
    {
        null or "" => "must be non-empty",
        { Length: > MaxSessionIdLength } => $"must be at most {MaxSessionIdLength} characters",
        _ when sessionId.Any(c => char.IsControl(c)) => "must not contain control characters",
        _ => null,
    };
}
