namespace GatoMesh.Runtime.Invocation;

/// <summary>What silos and clients share: turning a proxy call into a tracked <see cref="GrainCall{T}"/>
/// and sending it where the grain lives (the subclass decides where that is).</summary>
internal abstract class CallRouter : GrainCaller
{
    protected CallRouter(TimeSpan callTimeout)
    {
        if (callTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(callTimeout), callTimeout, "call timeout must be > 0");
        CallTimeout = callTimeout;
        Pending = new PendingCalls(callTimeout);
    }

    public TimeSpan CallTimeout { get; }

    public PendingCalls Pending { get; }

    internal override Task<T> InvokeAsync<T>(GrainReference target, GrainRequest<T> request)
    {
        var call = new GrainCall<T>(this, target, request);
        Pending.Add(call);
        Route(call);
        return call.Task;
    }

    /// <summary>Delivers <paramref name="call"/> to the activation or silo that should run it (also used
    /// again when an activation died before running it).</summary>
    public abstract void Route<T>(GrainCall<T> call);
}
