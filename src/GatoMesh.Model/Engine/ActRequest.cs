namespace GatoMesh.Model.Engine;

/// <summary>
/// One agent step: the new timestep's observation tokens (separator included) and the action to
/// decode for it.
///
/// The engine keeps each sequence's prompt and window in its paged KV cache, so a caller normally
/// sends only the new observation. <see cref="Timestep"/> is the caller's view of the sequence: the
/// absolute index of the new timestep (0 = the first after the prompt). When the engine does not
/// hold the sequence at exactly that point (evicted, released, model swapped, engine restarted) it
/// answers <see cref="ActResult.CacheMiss"/>, and the caller resends with <see cref="Context"/> set.
/// </summary>
public sealed record ActRequest
{
    public required string SequenceId { get; init; }

    /// <summary>Absolute index of the new timestep in the episode; it also seeds sampling.</summary>
    public required long Timestep { get; init; }

    /// <summary>The new timestep's observation tokens, separator last.</summary>
    public required TokenBatchInputs Observation { get; init; }

    /// <summary>The valid id range of each action token, in order (one entry per action token).</summary>
    public required IReadOnlyList<TokenRange> ActionSpec { get; init; }

    public SamplingParams Sampling { get; init; } = SamplingParams.Greedy;

    /// <summary>The whole context before <see cref="Timestep"/>: set it to (re)build the sequence
    /// from scratch; whatever the engine held for the sequence is dropped first.</summary>
    public SequenceContext? Context { get; init; }
}

/// <summary>Everything before the new timestep: the pinned prompt and the window's whole timesteps,
/// oldest first (the last one is timestep <c>Timestep - 1</c>).</summary>
public sealed record SequenceContext(TokenBatchInputs Prompt, IReadOnlyList<CompletedTimestep> Timesteps);

/// <summary>A past timestep: its observation tokens (separator last) and the action tokens taken.</summary>
public sealed record CompletedTimestep(TokenBatchInputs Observation, long[] Actions);

/// <summary>A half-open range of token ids [Lo, Hi). <see cref="Continuous"/> marks the 1024 continuous
/// bins of a continuous action, whose ids are ordered values (<see cref="SamplingParams.ContinuousAsTokens"/>).</summary>
public readonly record struct TokenRange(long Lo, long Hi)
{
    public long Count => Hi - Lo;

    public bool Continuous { get; init; }
}
