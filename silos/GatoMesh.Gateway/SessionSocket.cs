using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using GatoMesh.Grains;
using GatoMesh.Protos;
using GatoMesh.Protos.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Gateway;

/// <summary>
/// One client WebSocket, authenticated as one fleet, carrying many sessions (docs/GATEWAY.md,
/// "Protocol"). One loop reads frames; each readable request is served on its own task, so a slow step
/// never holds up another session's step on the same socket; replies, in the encoding of the frame they
/// answer, go through one writer loop (a WebSocket allows one send at a time) in completion order.
/// Bad input gets an error reply and the socket carries on; only a frame far over the limit (a
/// protocol violation, not a mistake) closes it.
/// </summary>
internal sealed class SessionSocket
{
    /// <summary>A socket's frame buffer starts this small (thousands of robots may each hold a socket)
    /// and grows to the largest frame it reads, up to the limit.</summary>
    private const int InitialBufferBytes = 4 * 1024;

    /// <summary>A buffer grown past this returns to the initial size after a small frame, so one big
    /// frame does not pin memory for the life of the socket.</summary>
    private const int KeepBufferBytes = 256 * 1024;

    private readonly WebSocket socket;
    private readonly string fleet;
    private readonly RequestDispatcher dispatcher;
    private readonly GatewayMetrics metrics;
    private readonly ILogger log;
    private readonly int maxMessageBytes;
    private readonly SemaphoreSlim inFlight;
    private readonly Channel<(ServerMessage Reply, bool Json)> replies =
        Channel.CreateUnbounded<(ServerMessage, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<Task> serving = [];
    private Task writeLoop = Task.CompletedTask;
    private byte[] buffer;
    private byte[]? discard;

    public SessionSocket(WebSocket socket, string fleet, RequestDispatcher dispatcher, GatewayMetrics metrics, ILogger log, GatewayOptions options)
    {
        this.socket = socket;
        this.fleet = fleet;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.log = log;
        maxMessageBytes = options.MaxMessageBytes;
        inFlight = new SemaphoreSlim(options.MaxRequestsInFlightPerSocket);
        this.buffer = new byte[Math.Min(InitialBufferBytes, options.MaxMessageBytes)];
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        writeLoop = WriteLoopAsync();
        try
        {
            await ReadLoopAsync(aborted);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away (or the server is stopping): nothing left to answer.
        }
        finally
        {
            this.replies.Writer.TryComplete();
            await writeLoop;
        }
    }

    private async Task ReadLoopAsync(CancellationToken aborted)
    {
        long closeAbove = (long)maxMessageBytes * GatewayOptions.OversizeCloseFactor;
        while (true)
        {
            int kept = 0;
            long total = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                var target = ReceiveTarget(kept, out var keeping);
                result = await this.socket.ReceiveAsync(target, aborted);
                if (keeping) kept += result.Count;
                total += result.Count;
                if (total > closeAbove)
                {
                    await RefuseAndCloseAsync(total, result.MessageType == WebSocketMessageType.Text);
                    return;
                }
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await WaitForRepliesAsync(aborted);
                return;
            }
            var json = result.MessageType == WebSocketMessageType.Text;
            this.metrics.Frame("in", json);
            if (total > maxMessageBytes)
            {
                Reply(TooLarge(FrameRequestId.Recover(this.buffer.AsSpan(0, kept), json), total), json);
            }
            else if (Parse(this.buffer.AsSpan(0, kept), json) is { } request)
            {
                await inFlight.WaitAsync(aborted);
                var serving = ServeAsync(request, json);
                lock (this.serving) this.serving.Add(serving);
                _ = serving.ContinueWith(done =>
                {
                    lock (this.serving) this.serving.Remove(done);
                }, TaskScheduler.Default);
            }
            if (this.buffer.Length > KeepBufferBytes && kept <= InitialBufferBytes)
                this.buffer = new byte[InitialBufferBytes];
        }
    }

    /// <summary>Where the next bytes of the current frame go: the frame buffer (grown up to the limit)
    /// while the frame fits, else a scratch buffer whose contents are dropped.</summary>
    private Memory<byte> ReceiveTarget(int kept, out bool keeping)
    {
        if (kept == this.buffer.Length && this.buffer.Length < maxMessageBytes)
            Array.Resize(ref this.buffer, (int)Math.Min((long)this.buffer.Length * 2, maxMessageBytes));
        keeping = kept < this.buffer.Length;
        return keeping ? this.buffer.AsMemory(kept) : discard ??= new byte[64 * 1024];
    }

    /// <summary>The request, or null after replying <c>MalformedRequest</c> for a frame that does not parse.</summary>
    private ClientMessage? Parse(ReadOnlySpan<byte> frame, bool json)
    {
        try
        {
            // Text frames are valid UTF-8 here: the WebSocket layer closes a socket that sends otherwise (1007).
            return json ? WireJson.Parser.Parse<ClientMessage>(Encoding.UTF8.GetString(frame)) : ClientMessage.Parser.ParseFrom(frame);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
        {
            var error = new SessionError(SessionErrorCode.MalformedRequest, "frame",
                $"not a gatomesh.v1.ClientMessage in {(json ? "protobuf JSON" : "protobuf binary")}: {e.Message}");
            this.metrics.Error(error.Code);
            Reply(new ServerMessage { RequestId = FrameRequestId.Recover(frame, json), Error = WireMapping.ToWire(error) }, json);
            return null;
        }
    }

    private async Task ServeAsync(ClientMessage request, bool json)
    {
        try
        {
            Reply(await this.dispatcher.HandleAsync(this.fleet, request), json);
        }
        finally
        {
            inFlight.Release();
        }
    }

    private ServerMessage TooLarge(ulong requestId, long bytes)
    {
        var error = new SessionError(SessionErrorCode.TooLarge, "frame", $"is {bytes} bytes, above the gateway's limit of {maxMessageBytes}");
        this.metrics.Error(error.Code);
        return new ServerMessage { RequestId = requestId, Error = WireMapping.ToWire(error) };
    }

    private async Task RefuseAndCloseAsync(long bytesSoFar, bool json)
    {
        this.log.LogWarning("closing a gateway socket of fleet {Fleet}: a frame passed {Bytes} bytes ({Factor}x the limit)",
            this.fleet, bytesSoFar, GatewayOptions.OversizeCloseFactor);
        Reply(TooLarge(FrameRequestId.Recover(this.buffer, json), bytesSoFar), json);
        this.replies.Writer.TryComplete();
        await writeLoop;
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await this.socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"frame above {maxMessageBytes} bytes", wait.Token);
    }

    /// <summary>The client said goodbye: let the requests it is still owed finish (briefly), then close.</summary>
    private async Task WaitForRepliesAsync(CancellationToken aborted)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        wait.CancelAfter(TimeSpan.FromSeconds(2));
        Task[] owed;
        lock (this.serving) owed = [.. this.serving];
        try
        {
            await Task.WhenAll(owed).WaitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Replies still owed are dropped: the client has left.
        }
        this.replies.Writer.TryComplete();
        await writeLoop;
        await this.socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", wait.Token);
    }

    private void Reply(ServerMessage reply, bool json) => this.replies.Writer.TryWrite((reply, json));

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var (reply, json) in this.replies.Reader.ReadAllAsync())
            {
                if (json)
                    await this.socket.SendAsync(Encoding.UTF8.GetBytes(WireJson.Formatter.Format(reply)), WebSocketMessageType.Text, true, CancellationToken.None);
                else
                    await this.socket.SendAsync(reply.ToByteArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
                this.metrics.Frame("out", json);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The socket broke: the read loop ends too; what is left to send has no one to go to.
            this.socket.Abort();
        }
    }
}
