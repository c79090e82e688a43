using GatoMesh.Runtime.Serialization;

namespace GatoMesh.Runtime.Invocation;

/// <summary>
/// One call of one grain method: the generator emits a sealed subclass per method holding the
/// arguments as fields, so a call is an object the runtime can queue locally (no copy, no
/// serialization) or write to the wire (<see cref="WriteArguments"/>), and the receiving silo rebuilds it
/// from the method id (the interface's invoker) and <see cref="ReadArguments"/>. Arguments passed to a
/// grain on the same silo are not copied: treat them as immutable.
/// </summary>
public abstract class GrainRequest
{
    /// <summary>Stable id of the method within its interface: a hash of name and parameter types
    /// (so reordering methods in source does not change the wire).</summary>
    public abstract int MethodId { get; }

    public abstract string MethodName { get; }

    public abstract void WriteArguments(WireWriter writer);

    public abstract void ReadArguments(WireReader reader);

    /// <summary>Runs the call on <paramref name="grain"/> and sends its result (or error) to <paramref name="reply"/>.</summary>
    internal abstract Task ExecuteRemoteAsync(object grain, IReplyTarget reply);

    protected static ValueTask<VoidResult> FromTask(Task task)
    {
        if (task.IsCompletedSuccessfully) return default;
        return Await(task);

        static async ValueTask<VoidResult> Await(Task t)
        {
            await t;
            return default;
        }
    }

    protected static ValueTask<VoidResult> FromValueTask(ValueTask task)
    {
        if (task.IsCompletedSuccessfully) return default;
        return Await(task);

        static async ValueTask<VoidResult> Await(ValueTask t)
        {
            await t;
            return default;
        }
    }
}

/// <summary>A call whose method returns <typeparamref name="TResult"/> (<see cref="VoidResult"/> for none).</summary>
public abstract class GrainRequest<TResult> : GrainRequest
{
    /// <summary>Calls the grain method (generated: a cast and a direct call).</summary>
    protected abstract ValueTask<TResult> InvokeAsync(object grain);

    internal ValueTask<TResult> Invoke(object grain) => InvokeAsync(grain);

    internal override async Task ExecuteRemoteAsync(object grain, IReplyTarget reply)
    {
        TResult result;
        try
        {
            result = await InvokeAsync(grain);
        }
        catch (Exception e)
        {
            reply.SendError(e);
            return;
        }
        reply.SendResult(result);
    }
}

/// <summary>Where a request that arrived over the wire sends its answer.</summary>
internal interface IReplyTarget
{
    void SendResult<T>(T result);
    void SendError(Exception error);
}
