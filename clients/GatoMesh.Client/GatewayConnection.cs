using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using GatoMesh.Protos;
using GatoMesh.Protos.V1;
using Google.Protobuf;

namespace GatoMesh.Client;

/// <summary>
/// One WebSocket to the gateway: sends are serialized (a WebSocket allows one send at a time), one loop
/// reads replies and hands each to the client, and <see cref="Closed"/> completes when the socket is
/// gone for any reason, which is what makes the requests waiting on it retry on a new connection.
/// </summary>
internal sealed class GatewayConnection
{
    /// <summary>Replies are small (actions, session info); a bigger frame means a broken peer.</summary>
    private const int MaxReplyBytes = 16 * 1024 * 1024;

    private readonly ClientWebSocket socket;
    private readonly WireEncoding encoding;
    private readonly Action<ServerMessage> onReply;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayConnection(ClientWebSocket socket, WireEncoding encoding, Action<ServerMessage> onReply)
    {
        this.socket = socket;
        this.encoding = encoding;
        this.onReply = onReply;
    }

    /// <summary>Completes once the socket is closed, aborted or broken.</summary>
    public Task Closed => this.closed.Task;

    public bool IsOpen => !this.closed.Task.IsCompleted;

    /// <exception cref="GatoMeshException"><see cref="ErrorCode.Unauthorized"/>: the gateway
    /// answered 401 to the key.</exception>
    public static async Task<GatewayConnection> ConnectAsync(GatoMeshClientOptions options, Action<ServerMessage> onReply, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + options.ApiKey);
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        try
        {
            await socket.ConnectAsync(options.Endpoint, ct);
        }
        catch (WebSocketException e) when (socket.HttpStatusCode == HttpStatusCode.Unauthorized)
        {
            socket.Dispose();
            throw new GatoMeshException(ErrorCode.Unauthorized, "apiKey", "the gateway refused the API key", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = new GatewayConnection(socket, options.Encoding, onReply);
        _ = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
        return connection;
    }

    /// <exception cref="ConnectionLostException">The socket broke while sending.</exception>
    public async Task SendAsync(ClientMessage message, CancellationToken ct)
    {
        var (bytes, type) = this.encoding == WireEncoding.Json
            ? (Encoding.UTF8.GetBytes(WireJson.Formatter.Format(message)), WebSocketMessageType.Text)
            : (message.ToByteArray(), WebSocketMessageType.Binary);
        await sendLock.WaitAsync(ct);
        try
        {
            // Never the caller's token: cancelling a WebSocket send aborts the whole socket, and with it
            // every other session's request in flight.
            await this.socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            Abort();
            throw new ConnectionLostException("the connection to the gateway broke while sending", e);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>Drops the socket at once (a request timed out on it: it is deemed dead).</summary>
    public void Abort()
    {
        this.socket.Abort();
        this.closed.TrySetResult();
    }

    /// <summary>Says goodbye politely, waiting at most <paramref name="wait"/>.</summary>
    public async Task CloseAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await this.socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client closing", timeout.Token);
            await this.closed.Task.WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Already broken or too slow: abort below either way.
        }
        Abort();
        this.socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                frame.Clear();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await this.socket.ReceiveAsync(frame.GetMemory(16 * 1024), CancellationToken.None);
                    frame.Advance(result.Count);
                    if (frame.WrittenCount > MaxReplyBytes) return;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) return;
                var reply = result.MessageType == WebSocketMessageType.Text
                    ? WireJson.Parser.Parse<ServerMessage>(Encoding.UTF8.GetString(frame.WrittenSpan))
                    : ServerMessage.Parser.ParseFrom(frame.WrittenSpan);
                this.onReply(reply);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException
                                      or InvalidProtocolBufferException or InvalidJsonException or OperationCanceledException)
        {
            // The socket is gone or the peer sent something unreadable: either way this connection is
            // over, and the requests waiting on it retry on a new one.
        }
        finally
        {
            Abort();
        }
    }
}
