using GatoMesh.Runtime.Invocation;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Hosting;

/// <summary>A runtime-to-runtime exchange that is not a grain call (a probe, a diagnostic query): the
/// answer frame is decoded by <paramref name="decode"/>; no answer by the deadline or a lost
/// connection completes it with <paramref name="fallback"/>.</summary>
internal sealed class ControlCall<T>(long deadline, Func<WireReader, T> decode, Func<Exception, T> fallback) : IPendingCall
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long CorrelationId { get; } = PendingCalls.NextCorrelationId();
    public long Deadline { get; } = deadline;
    public Connection? Via { get; set; }
    public Task<T> Task => _completion.Task;

    public void OnResponse(ResponseStatus status, WireReader body)
    {
        try
        {
            _completion.TrySetResult(decode(body));
        }
        catch (WireFormatException e)
        {
            _completion.TrySetResult(fallback(e));
        }
    }

    public void OnFailure(Exception error) => _completion.TrySetResult(fallback(error));

    public void OnTimeout() => _completion.TrySetResult(fallback(new TimeoutException("no answer before the deadline")));
}
