namespace GatoMesh.Grains;

/// <summary>
/// Opens (or re-opens) an episode session. <see cref="SpecJson"/> is an embodiment spec
/// (docs/TOKENS.md, "Embodiment specs"); <see cref="Prompt"/> an optional demonstration whose
/// timesteps are pinned at the start of the context (GATO.md, "Deployment").
/// Opening an open session with the same request is idempotent (a retried open); with a different
/// spec it is <see cref="SessionErrorCode.SessionExists"/>.
/// </summary>
[GenerateSerializer, Alias("gatomesh.OpenSessionRequest")]
public sealed record OpenSessionRequest
{
    /// <summary>The fleet the caller authenticated as; the session belongs to it from now on.</summary>
    [Id(0)] public required string Fleet { get; init; }

    [Id(1)] public required string SpecJson { get; init; }

    [Id(2)] public IReadOnlyList<PromptTimestep> Prompt { get; init; } = [];

    /// <summary>0 = greedy; otherwise softmax temperature (draws seeded by <see cref="Seed"/>).</summary>
    [Id(3)] public float Temperature { get; init; }

    [Id(4)] public ulong Seed { get; init; }

    /// <summary>Decode continuous actions like discrete ones (the most likely bin, or a draw at
    /// <see cref="Temperature"/>) instead of as the expected value of the model's distribution
    /// (docs/ENGINE.md, "Sampling").</summary>
    [Id(5)] public bool ContinuousAsTokens { get; init; }
}

/// <summary>A demonstration timestep: what was observed and what the demonstrator did.</summary>
[GenerateSerializer, Alias("gatomesh.PromptTimestep")]
public sealed record PromptTimestep([property: Id(0)] IReadOnlyDictionary<string, FieldValue> Observation, [property: Id(1)] IReadOnlyDictionary<string, FieldValue> Action);

/// <summary>
/// One agent step. <see cref="Sequence"/> is the client's number for this step, increasing within
/// the session (1, 2, ...): a retried step (same number) is answered from the session's record and
/// applied once; a number at or below an older step's is <see cref="SessionErrorCode.StaleSequence"/>.
/// </summary>
[GenerateSerializer, Alias("gatomesh.StepRequest")]
public sealed record StepRequest
{
    [Id(0)] public required string Fleet { get; init; }
    [Id(1)] public required long Sequence { get; init; }
    [Id(2)] public required IReadOnlyDictionary<string, FieldValue> Observation { get; init; }
}

/// <summary>Ends the current episode and starts a new one in the same session (same spec and
/// prompt); the context window empties. <see cref="Sequence"/> as in <see cref="StepRequest"/>.</summary>
[GenerateSerializer, Alias("gatomesh.ResetRequest")]
public sealed record ResetRequest
{
    [Id(0)] public required string Fleet { get; init; }
    [Id(1)] public required long Sequence { get; init; }
}

/// <summary>The action for one step, or an error.</summary>
[GenerateSerializer, Alias("gatomesh.StepReply")]
public sealed record StepReply
{
    [Id(0)] public SessionError? Error { get; init; }
    [Id(1)] public long Sequence { get; init; }

    /// <summary>Index of this step's timestep in the episode (0 = the first after the prompt).</summary>
    [Id(2)] public long Timestep { get; init; }

    /// <summary>The decoded action, by action field key.</summary>
    [Id(3)] public IReadOnlyDictionary<string, FieldValue> Action { get; init; } = new Dictionary<string, FieldValue>();

    /// <summary>The sampled action tokens (the model's view of <see cref="Action"/>).</summary>
    [Id(4)] public long[] ActionTokens { get; init; } = [];

    /// <summary>The deployed model version that produced the action (<see cref="ModelVersion.Id"/>).</summary>
    [Id(5)] public string ModelVersion { get; init; } = "";

    /// <summary>True when the engine had lost this session's cache and the session resent its context.</summary>
    [Id(6)] public bool Recomputed { get; init; }

    public static StepReply Failed(SessionError error) => new() { Error = error };
}

/// <summary>What a session is: the answer to open, reset, close and describe.</summary>
[GenerateSerializer, Alias("gatomesh.SessionReply")]
public sealed record SessionReply
{
    [Id(0)] public SessionError? Error { get; init; }
    [Id(1)] public string Session { get; init; } = "";
    [Id(2)] public string Spec { get; init; } = "";
    [Id(3)] public bool Open { get; init; }

    /// <summary>The last step or reset sequence number the session applied.</summary>
    [Id(4)] public long Sequence { get; init; }

    /// <summary>Episodes started in this session (1 after open, +1 per reset).</summary>
    [Id(5)] public long Episode { get; init; }

    /// <summary>The timestep the next step will be.</summary>
    [Id(6)] public long NextTimestep { get; init; }

    [Id(7)] public int PromptTokens { get; init; }

    public static SessionReply Failed(SessionError error) => new() { Error = error };
}

/// <summary>A typed error: what went wrong (<see cref="Code"/>), which field (dotted path, e.g.
/// <c>observation.camera</c>), and a message for people. Bad input never harms the session: the step
/// is not applied and the next good step proceeds as if it had not been sent.</summary>
[GenerateSerializer, Alias("gatomesh.SessionError")]
public sealed record SessionError([property: Id(0)] SessionErrorCode Code, [property: Id(1)] string Field, [property: Id(2)] string Message)
{
    public override string ToString() => $"{Code} ({Field}): {Message}";
}

[GenerateSerializer, Alias("gatomesh.SessionErrorCode")]
public enum SessionErrorCode
{
    /// <summary>The session does not exist for this fleet (never opened, closed and expired, or another fleet's).</summary>
    UnknownSession = 1,
    /// <summary>The spec JSON is malformed or describes an invalid embodiment.</summary>
    InvalidSpec = 2,
    /// <summary>An observation field is missing, extra, of the wrong kind or shape, or holds NaN/infinity.</summary>
    InvalidObservation = 3,
    /// <summary>A prompt timestep is invalid (as an observation or an action).</summary>
    InvalidPrompt = 4,
    /// <summary>The step's sequence number is not newer than the session's last one.</summary>
    StaleSequence = 5,
    /// <summary>The session's header exists but it is not open (an open interrupted by a crash): open it again.</summary>
    SessionClosed = 6,
    /// <summary>Open with another spec or prompt on a session that is already open.</summary>
    SessionExists = 7,
    /// <summary>The prompt plus one timestep does not fit the model's context window.</summary>
    ContextTooLong = 8,
    /// <summary>The request or frame could not be read (gateway), or names no operation.</summary>
    MalformedRequest = 9,
    /// <summary>The API key is missing or unknown (gateway).</summary>
    Unauthorized = 10,
    /// <summary>A message or field exceeds a size limit (gateway).</summary>
    TooLarge = 11,
    /// <summary>The cluster could not serve the step now (silo stopping, timeout); retry with the same sequence number.</summary>
    Unavailable = 12,
    /// <summary>A fault inside the server; the session is unharmed.</summary>
    Internal = 13,
}
