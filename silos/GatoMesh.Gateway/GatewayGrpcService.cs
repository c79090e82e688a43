using System.Threading.Channels;
using GatoMesh.Grains;
using GatoMesh.Protos.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Gateway;

/// <summary>
/// The gateway over gRPC (gateway.proto, <c>service Gateway</c>): one <c>Sessions</c> call is one
/// WebSocket's worth of exchange. The fleet comes from the call's <c>authorization: Bearer KEY</c>
/// metadata, checked before any message is read (<c>UNAUTHENTICATED</c> otherwise); each request is
/// served on its own task through the same <see cref="RequestDispatcher"/> as the WebSocket, so errors,
/// fleets and sequence-number retries are the same; replies go out through one writer (a stream allows
/// one write at a time) in completion order.
/// </summary>
internal sealed class GatewayGrpcService(GatewayOptions options, RequestDispatcher dispatcher, GatewayMetrics metrics, ILoggerFactory loggers)
    : Protos.V1.Gateway.GatewayBase
{
    private readonly ILogger _log = loggers.CreateLogger("GatoMesh.Gateway");

    public override async Task Sessions(IAsyncStreamReader<ClientMessage> requests, IServerStreamWriter<ServerMessage> replies, ServerCallContext context)
    {
        var key = FleetAuthentication.BearerKey(context.RequestHeaders.GetValue("authorization"));
        if (FleetAuthentication.FleetOf(options.FleetKeys, key) is not { } fleet)
        {
            metrics.Error(SessionErrorCode.Unauthorized);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or unknown API key (metadata authorization: Bearer KEY)"));
        }
        // Headers go out at once: a client learns it was admitted without waiting for a first reply.
        await context.WriteResponseHeadersAsync(new Metadata());
        metrics.ConnectionOpened();
        var outgoing = Channel.CreateUnbounded<ServerMessage>(new UnboundedChannelOptions { SingleReader = true });
        var writer = WriteAsync(outgoing.Reader, replies);
        using var inFlight = new SemaphoreSlim(options.MaxRequestsInFlightPerSocket);
        var serving = new List<Task>();
        try
        {
            while (await requests.MoveNext(context.CancellationToken))
            {
                metrics.GrpcMessage("in");
                await inFlight.WaitAsync(context.CancellationToken);
                serving.RemoveAll(t => t.IsCompleted);
                serving.Add(ServeAsync(fleet, requests.Current, outgoing.Writer, inFlight));
            }
            // The client finished sending: it is still owed the answers to what it sent.
            await Task.WhenAll(serving);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client went away (or the server is stopping): nothing left to answer.
        }
        finally
        {
            outgoing.Writer.TryComplete();
            await writer;
            metrics.ConnectionClosed();
        }
    }

    private async Task ServeAsync(string fleet, ClientMessage request, ChannelWriter<ServerMessage> outgoing, SemaphoreSlim inFlight)
    {
        try
        {
            outgoing.TryWrite(await dispatcher.HandleAsync(fleet, request));
        }
        finally
        {
            inFlight.Release();
        }
    }

    private async Task WriteAsync(ChannelReader<ServerMessage> outgoing, IServerStreamWriter<ServerMessage> replies)
    {
        try
        {
            await foreach (var reply in outgoing.ReadAllAsync())
            {
                await replies.WriteAsync(reply);
                metrics.GrpcMessage("out");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            // The call ended under us: what is left to send has no one to go to.
            _log.LogDebug(e, "a gRPC session stream ended with replies unsent");
        }
    }
}
