using GatoMesh.Runtime.Activation;
using GatoMesh.Runtime.Invocation;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Hosting;

/// <summary>A request that arrived over a connection. Kept with its raw argument bytes so a silo that
/// is not (or no longer) the grain's owner can forward it without decoding.</summary>
internal sealed class IncomingCall(SiloRuntime runtime, Connection origin, RequestHeader header, ReadOnlyMemory<byte> arguments)
    : RequestItem, IReplyTarget
{
    private int _replied;

    public Connection Origin { get; } = origin;
    public RequestHeader Header { get; private set; } = header;
    public ReadOnlyMemory<byte> Arguments { get; } = arguments;

    /// <summary>Decoded on the silo that runs it.</summary>
    public GrainRequest? Request { get; set; }

    public override Task ExecuteAsync(Grain grain) => Request!.ExecuteRemoteAsync(grain, this);

    public override void Redispatch()
    {
        Header = Header with { Hops = (byte)(Header.Hops + 1) };
        runtime.RouteIncoming(this);
    }

    public override void Fail(Exception error) => SendError(error);

    public void SendResult<T>(T result)
    {
        if (Interlocked.Exchange(ref _replied, 1) != 0) return;
        var frame = Frames.StartResponse(Header.CorrelationId, ResponseStatus.Ok);
        try
        {
            WireCodec<T>.Write(frame, result);
            Origin.Send(frame);
        }
        catch (Exception e)
        {
            frame.ReturnBuffer();
            _replied = 0;
            SendError(e);
        }
    }

    public void SendError(Exception error)
    {
        if (Interlocked.Exchange(ref _replied, 1) != 0) return;
        var status = error switch
        {
            SiloUnavailableException => ResponseStatus.Unavailable,
            SiloGenerationMismatchException => ResponseStatus.GenerationMismatch,
            GrainTypeNotFoundException => ResponseStatus.BadRequest,
            _ => ResponseStatus.GrainError,
        };
        Reply(status, error.GetType().FullName ?? error.GetType().Name, error.Message);
    }

    /// <summary>Answers with a status and message without running anything (rejections).</summary>
    public void Reply(ResponseStatus status, string type, string message)
    {
        Volatile.Write(ref _replied, 1);
        var frame = Frames.ErrorResponse(Header.CorrelationId, status, type, message);
        try
        {
            Origin.Send(frame);
        }
        catch (MessageTooLargeException)
        {
            Origin.Send(Frames.ErrorResponse(Header.CorrelationId, status, type, message[..Math.Min(message.Length, 1024)]));
        }
    }
}
