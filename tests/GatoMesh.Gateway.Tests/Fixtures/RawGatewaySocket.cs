using System.Net.WebSockets;
using System.Text;
using GatoMesh.Protos;
using GatoMesh.Protos.V1;
using Google.Protobuf;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>A bare WebSocket to the gateway that sends exactly the bytes a test chooses (well-formed
/// messages in either encoding, or garbage) and reads replies one frame at a time.</summary>
internal sealed class RawGatewaySocket : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly ClientWebSocket socket;

    private RawGatewaySocket(ClientWebSocket socket) => this.socket = socket;

    public WebSocketCloseStatus? CloseStatus => this.socket.CloseStatus;

    public static async Task<RawGatewaySocket> ConnectAsync(Uri endpoint, string apiKey)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + apiKey);
        using var deadline = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(endpoint, deadline.Token);
        return new RawGatewaySocket(socket);
    }

    public Task SendAsync(ClientMessage message) => SendBytesAsync(message.ToByteArray(), WebSocketMessageType.Binary);

    public Task SendJsonAsync(ClientMessage message) => SendTextAsync(WireJson.Formatter.Format(message));

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await this.socket.SendAsync(bytes, type, endOfMessage: true, deadline.Token);
    }

    /// <summary>The next frame: the reply and whether it came as text (JSON).</summary>
    public async Task<(ServerMessage Reply, bool Json)> ReceiveAsync()
    {
        var (bytes, type) = await ReceiveFrameAsync();
        return type == WebSocketMessageType.Text
            ? (WireJson.Parser.Parse<ServerMessage>(Encoding.UTF8.GetString(bytes)), true)
            : (ServerMessage.Parser.ParseFrom(bytes), false);
    }

    /// <summary>The next frame as raw bytes (a Close frame comes back with type Close).</summary>
    public async Task<(byte[] Bytes, WebSocketMessageType Type)> ReceiveFrameAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var frame = new MemoryStream();
        var buffer = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await this.socket.ReceiveAsync(buffer, deadline.Token);
            frame.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return (frame.ToArray(), result.MessageType);
    }

    /// <summary>Sends a request and returns its reply (no other request is in flight on this socket).</summary>
    public async Task<ServerMessage> AskAsync(ClientMessage message, bool json = false)
    {
        await (json ? SendJsonAsync(message) : SendAsync(message));
        var (reply, asJson) = await ReceiveAsync();
        Assert.Equal(json, asJson);
        Assert.Equal(message.RequestId, reply.RequestId);
        return reply;
    }

    public async ValueTask DisposeAsync()
    {
        if (this.socket.State == WebSocketState.Open)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await this.socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", deadline.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The gateway is already gone; nothing to close.
            }
        }
        this.socket.Dispose();
    }
}
