using GatoMesh.Runtime.Invocation;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Hosting;

/// <summary>A request this silo passed on to the grain's owner (a gateway call, or a call that reached a
/// silo whose view is stale): the owner's answer is relayed byte for byte to the original caller.</summary>
internal sealed class ForwardedCall(IncomingCall incoming, long deadline) : IPendingCall
{
    public long CorrelationId { get; } = PendingCalls.NextCorrelationId();
    public long Deadline { get; } = deadline;
    public Connection? Via { get; set; }

    public void OnResponse(ResponseStatus status, WireReader body)
    {
        var frame = Frames.StartResponse(incoming.Header.CorrelationId, status);
        frame.WriteRaw(body.RemainingMemory.Span);
        try
        {
            incoming.Origin.Send(frame);
        }
        catch (Transport.MessageTooLargeException e)
        {
            // Runs on the owner connection's read loop: a reply too big for the caller's link must cost
            // that one call, never the silo-to-silo connection.
            incoming.Reply(ResponseStatus.GrainError, nameof(Transport.MessageTooLargeException), e.Message);
        }
    }

    public void OnFailure(Exception error) =>
        incoming.Reply(ResponseStatus.Unavailable, nameof(SiloUnavailableException), $"forwarding {incoming.Header.Grain} failed: {error.Message}");

    public void OnTimeout() =>
        incoming.Reply(ResponseStatus.Timeout, nameof(GrainCallTimeoutException), $"forwarded call to {incoming.Header.Grain} timed out");
}
