namespace GatoMesh.Model.Engine;

/// <summary>What <see cref="InferenceEngine.ActAsync"/> answers: the action, or a cache miss that
/// asks the caller to resend its whole context.</summary>
public abstract record ActResult
{
    private ActResult() { }

    /// <param name="Tokens">The sampled action tokens, one per entry of the action spec.</param>
    /// <param name="OldestTimestep">Absolute index of the oldest timestep still in the engine's
    /// window after this step: a caller trims its own copy of the context to match, so a resend
    /// carries exactly the engine's window.</param>
    public sealed record Action(long[] Tokens, long OldestTimestep) : ActResult
    {
        /// <summary>The weights that sampled it: 0 for the engine's first model, then the number
        /// <see cref="InferenceEngine.SwapModelAsync"/> returned. A swap drops every cache first, so
        /// one action never mixes two models.</summary>
        public long ModelGeneration { get; init; }
    }

    /// <summary>The engine does not hold the sequence at the caller's timestep; resend with
    /// <see cref="ActRequest.Context"/>.</summary>
    public sealed record CacheMiss(string SequenceId, CacheMissReason Reason) : ActResult;
}

public enum CacheMissReason
{
    /// <summary>The engine holds nothing for the sequence (never seen, evicted, released, model swapped).</summary>
    Unknown,
    /// <summary>The engine holds the sequence at another timestep than the request's.</summary>
    TimestepMismatch,
    /// <summary>The sequence was evicted or released while this request was in progress.</summary>
    Evicted,
    /// <summary>The window had to slide and <see cref="EngineOptions.ExactSlidingWindow"/> is on: resend
    /// the context; the engine keeps the newest timesteps that fit and recomputes them.</summary>
    WindowSlid,
}
