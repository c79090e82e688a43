using GatoMesh.Data;

namespace GatoMesh.Client;

/// <summary>The session's answer to one step.</summary>
/// <param name="Sequence">The step's sequence number (a retried step is answered with the same reply).</param>
/// <param name="Timestep">The step's timestep in the episode (0 = the first after the prompt).</param>
/// <param name="Action">The decoded action, by the spec's action keys.</param>
/// <param name="ActionTokens">The sampled action tokens (the model's view of <paramref name="Action"/>).</param>
/// <param name="ModelVersion">The deployed model version that produced the action.</param>
/// <param name="Recomputed">The server had lost the session's cache and rebuilt it from the context.</param>
public sealed record ActionReply(long Sequence, long Timestep, FieldValues Action, long[] ActionTokens, string ModelVersion, bool Recomputed);

/// <summary>What a session is now (the answer to describe).</summary>
/// <param name="Sequence">The last step or reset sequence number the session applied.</param>
/// <param name="Episode">Episodes started in this session (1 after open, +1 per reset).</param>
/// <param name="NextTimestep">The timestep the next step will be.</param>
public sealed record SessionState(string SessionId, bool Open, long Sequence, long Episode, long NextTimestep, int PromptTokens);
