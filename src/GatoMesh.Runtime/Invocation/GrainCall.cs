using System.Diagnostics;
using GatoMesh.Runtime.Activation;
using GatoMesh.Runtime.Metrics;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Invocation;

/// <summary>
/// One call made through a grain reference, from its start to its one outcome. On the caller's silo it
/// is queued at the activation as is (no serialization); to another silo it is written as a request
/// frame and the response frame completes it. Exactly one of result, error or timeout wins (<see cref="_done"/>).
/// </summary>
internal sealed class GrainCall<T> : RequestItem, IPendingCall
{
    /// <summary>Redispatches allowed before giving up (activations dying or views moving under a call).</summary>
    public const int MaxHops = 4;

    private readonly CallRouter _router;
    private readonly TaskCompletionSource<T> _completion;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly bool _callerIsGrain;
    private int _done;

    public GrainCall(CallRouter router, GrainReference target, GrainRequest<T> request)
    {
        _router = router;
        Target = target;
        Grain = target.GrainId;
        // A grain caller's await resumes through its activation's queue anyway, so completing inline costs
        // it nothing and saves a thread-pool hop; any other caller must not run on the completing thread.
        _callerIsGrain = SynchronizationContext.Current is ActivationSynchronizationContext;
        _completion = new TaskCompletionSource<T>(_callerIsGrain ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Request = request;
        CorrelationId = PendingCalls.NextCorrelationId();
        Deadline = Environment.TickCount64 + (long)router.CallTimeout.TotalMilliseconds;
    }

    /// <summary>The reference the call was made through (its routing cache saves lookups on repeat calls).</summary>
    public GrainReference Target { get; }
    public GrainId Grain { get; }
    public GrainRequest<T> Request { get; }
    public long CorrelationId { get; }
    public long Deadline { get; }
    public Connection? Via { get; private set; }
    public byte Hops { get; private set; }
    public Task<T> Task => _completion.Task;

    public override async Task ExecuteAsync(Grain grain)
    {
        try
        {
            Complete(await Request.Invoke(grain));
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    public override void Redispatch()
    {
        if (++Hops > MaxHops)
            Fault(new SiloUnavailableException($"call {Request.MethodName} on {Grain} found no live activation after {MaxHops} attempts"));
        else
            _router.Route(this);
    }

    public override void Fail(Exception error) => Fault(error);

    /// <summary>Writes this call as a request frame to <paramref name="connection"/>, addressed to the
    /// silo incarnation <paramref name="targetGeneration"/> (0: whichever the gateway is).</summary>
    public void SendOver(Connection connection, long targetGeneration)
    {
        Via = connection;
        var frame = Frames.StartRequest(new RequestHeader(CorrelationId, targetGeneration, Hops, Grain, Request.MethodId));
        try
        {
            Request.WriteArguments(frame);
            if (!connection.Send(frame))
                Fault(new SiloUnavailableException($"connection to {connection.Remote} closed before call {Request.MethodName} on {Grain} was sent"));
        }
        catch (Exception e)
        {
            frame.ReturnBuffer();
            Fault(e);
        }
    }

    public void OnResponse(ResponseStatus status, WireReader body)
    {
        try
        {
            switch (status)
            {
                case ResponseStatus.Ok:
                    Complete(WireCodec<T>.Read(body));
                    break;
                default:
                    string type = body.ReadString() ?? "";
                    string message = body.ReadString() ?? "";
                    Fault(status switch
                    {
                        ResponseStatus.GrainError => new RemoteGrainException(type, message),
                        ResponseStatus.GenerationMismatch => new SiloGenerationMismatchException(message),
                        ResponseStatus.Unavailable => new SiloUnavailableException(message),
                        ResponseStatus.Timeout => new GrainCallTimeoutException(Grain, Request.MethodName, _router.CallTimeout),
                        _ => new GrainRuntimeException($"{type}: {message}"),
                    });
                    break;
            }
        }
        catch (WireFormatException e)
        {
            Fault(new GrainRuntimeException($"response to {Request.MethodName} on {Grain} did not parse: {e.Message}", e));
        }
    }

    public void OnFailure(Exception error) => Fault(error is GrainRuntimeException ? error : new SiloUnavailableException(error.Message, error));

    public void OnTimeout() => Fault(new GrainCallTimeoutException(Grain, Request.MethodName, _router.CallTimeout));

    private void Complete(T result)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) return;
        Finish();
        if (!_callerIsGrain)
        {
            _completion.SetResult(result);
            return;
        }
        // Without a current context the caller's captured context always differs, so its continuation is
        // posted to the caller's activation, never run inside the completing activation's turn.
        var current = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            _completion.SetResult(result);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(current);
        }
    }

    private void Fault(Exception error)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) return;
        Finish();
        var current = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            _completion.SetException(error);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(current);
        }
    }

    private void Finish()
    {
        _router.Pending.Remove(CorrelationId);
        var metrics = RuntimeMetrics.Instance;
        metrics.Calls.Add(1);
        if (metrics.CallLatency.Enabled)
            metrics.CallLatency.Record(Stopwatch.GetElapsedTime(_startedAt).TotalMilliseconds);
    }
}
