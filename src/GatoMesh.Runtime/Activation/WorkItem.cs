namespace GatoMesh.Runtime.Activation;

/// <summary>Something an activation runs on its own queue: a continuation of a running turn, a request
/// (gated by the turn rules), or a lifecycle step.</summary>
internal abstract class WorkItem;

/// <summary>A continuation posted by grain code awaiting inside a turn (see <see cref="ActivationSynchronizationContext"/>).</summary>
internal sealed class ContinuationItem(SendOrPostCallback callback, object? state) : WorkItem
{
    public void Run() => callback(state);
}

/// <summary>Activation or deactivation of the grain: runs as soon as it is dequeued, and keeps
/// requests waiting until it finished.</summary>
internal sealed class LifecycleItem(bool activate) : WorkItem
{
    public bool Activate { get; } = activate;
}

/// <summary>A grain call or timer tick: starts only when the turn rules allow (one at a time unless
/// the class is reentrant, never while activating or deactivating).</summary>
internal abstract class RequestItem : WorkItem
{
    /// <summary>Calls count as activity for idle collection; timer ticks do not.</summary>
    public virtual bool KeepsAlive => true;

    /// <summary>Runs the request as a turn of <paramref name="grain"/>; completes when the grain method did.
    /// Never throws: failures go to the caller.</summary>
    public abstract Task ExecuteAsync(Grain grain);

    /// <summary>The activation died before running this request: send it to wherever the grain lives now.</summary>
    public abstract void Redispatch();

    /// <summary>The activation could not be created: the caller gets <paramref name="error"/>.</summary>
    public abstract void Fail(Exception error);
}
