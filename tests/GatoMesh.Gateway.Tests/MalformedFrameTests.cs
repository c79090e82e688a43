using System.Net.WebSockets;
using System.Text;
using GatoMesh.Gateway.Tests.Fixtures;
using GatoMesh.Protos.V1;
using Google.Protobuf;

using ErrorCode = GatoMesh.Protos.V1.ErrorCode;

namespace GatoMesh.Gateway.Tests;

/// <summary>
/// docs/GATEWAY.md, "Errors": a frame the gateway cannot read gets a typed error reply (with the
/// request id whenever the frame's start still holds it), and the socket keeps serving: each test ends
/// by showing the same socket answers the next request. Only a frame far over the size limit closes it.
/// </summary>
public sealed class MalformedFrameTests
{
    [Fact]
    public async Task Garbage_bytes_get_MalformedRequest_and_the_socket_carries_on()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var socket = await gateway.RawSocketAsync();

        await socket.SendBytesAsync([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01], WebSocketMessageType.Binary);
        var (reply, json) = await socket.ReceiveAsync();

        Assert.False(json);
        AssertError(reply, ErrorCode.MalformedRequest, "frame");
        Assert.Equal(0ul, reply.RequestId);
        await AssertStillServesAsync(socket);
    }

    [Fact]
    public async Task A_truncated_protobuf_frame_is_answered_under_its_request_id()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var socket = await gateway.RawSocketAsync();
        var whole = new ClientMessage { RequestId = 4242, Step = new Step { SessionId = "robot", Sequence = 1 } }.ToByteArray();

        await socket.SendBytesAsync(whole[..^3], WebSocketMessageType.Binary);
        var (reply, _) = await socket.ReceiveAsync();

        AssertError(reply, ErrorCode.MalformedRequest, "frame");
        Assert.Equal(4242ul, reply.RequestId);
        await AssertStillServesAsync(socket);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"requestId\": \"77\", \"step\": {\"sequence\": \"minus one\"}}")]
    [InlineData("{\"requestId\": \"77\", \"step\": {\"observation\": {\"camera\": {\"image\": {\"height\": -4}}}}}")]
    public async Task Unreadable_json_gets_MalformedRequest_in_a_text_frame(string text)
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var socket = await gateway.RawSocketAsync();

        await socket.SendTextAsync(text);
        var (reply, json) = await socket.ReceiveAsync();

        Assert.True(json);
        AssertError(reply, ErrorCode.MalformedRequest, "frame");
        Assert.Equal(text.Contains("\"77\"") ? 77ul : 0ul, reply.RequestId);
        await AssertStillServesAsync(socket, asJson: true);
    }

    [Fact]
    public async Task A_text_frame_that_is_not_utf8_breaks_the_WebSocket_protocol_and_closes_only_that_socket()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var other = await gateway.RawSocketAsync();
        await using var socket = await gateway.RawSocketAsync();

        await socket.SendBytesAsync([(byte)'{', 0xc3, 0x28, (byte)'}'], WebSocketMessageType.Text);
        try
        {
            var (_, type) = await socket.ReceiveFrameAsync();
            Assert.Equal(WebSocketMessageType.Close, type);
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            // The server sent its Close and dropped the connection; on a busy machine the reset can
            // overtake the Close frame in this client. Either way the socket is closed by the server.
        }
        await AssertStillServesAsync(other);
    }

    public static TheoryData<ClientMessage, string> RequestsTheWireGotWrong() => new()
    {
        { new ClientMessage { RequestId = 5 }, "op" },
        { new ClientMessage { RequestId = 5, Step = new Step { SessionId = "robot", Sequence = 0 } }, "sequence" },
        { new ClientMessage { RequestId = 5, Reset = new Reset { SessionId = "robot", Sequence = ulong.MaxValue } }, "sequence" },
        { new ClientMessage { RequestId = 5, Describe = new Describe { SessionId = "" } }, "session_id" },
        { new ClientMessage { RequestId = 5, Close = new Close { SessionId = "bad\nid" } }, "session_id" },
        { new ClientMessage { RequestId = 5, Open = new Open { SessionId = new string('x', 129), SpecJson = "{}" } }, "session_id" },
        { new ClientMessage { RequestId = 5, Step = new Step { SessionId = "robot", Sequence = 1, Observation = { ["camera"] = new Field() } } }, "observation.camera" },
        {
            new ClientMessage
            {
                RequestId = 5,
                Open = new Open { SessionId = "robot", SpecJson = "{}", Prompt = { new PromptTimestep { Action = { ["torque"] = new Field() } } } },
            },
            "prompt[0].action.torque"
        },
        {
            new ClientMessage
            {
                RequestId = 5,
                Step = new Step { SessionId = "robot", Sequence = 1, Observation = { ["camera"] = new Field { Image = new Image { Height = uint.MaxValue, Width = 1, Channels = 1 } } } },
            },
            "observation.camera.height"
        },
    };

    [Theory]
    [MemberData(nameof(RequestsTheWireGotWrong))]
    public async Task A_request_the_wire_got_wrong_gets_MalformedRequest_naming_the_field(ClientMessage request, string field)
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var socket = await gateway.RawSocketAsync();

        var reply = await socket.AskAsync(request);

        AssertError(reply, ErrorCode.MalformedRequest, field);
        await AssertStillServesAsync(socket);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_frame_over_the_limit_gets_TooLarge_under_its_request_id_and_the_socket_carries_on(bool json)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(o => o with { MaxMessageBytes = 64 * 1024 });
        await using var socket = await gateway.RawSocketAsync();
        var huge = new ClientMessage { RequestId = 9, Step = new Step { SessionId = "robot", Sequence = 1, Observation = { ["camera"] = Camera(256, 256) } } };

        await (json ? socket.SendJsonAsync(huge) : socket.SendAsync(huge));
        var (reply, _) = await socket.ReceiveAsync();

        AssertError(reply, ErrorCode.TooLarge, "frame");
        Assert.Equal(9ul, reply.RequestId);
        await AssertStillServesAsync(socket, json);
    }

    [Fact]
    public async Task A_frame_far_over_the_limit_is_a_protocol_violation_that_closes_the_socket()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(o => o with { MaxMessageBytes = 4 * 1024 });
        await using var socket = await gateway.RawSocketAsync();
        var flood = new ClientMessage { RequestId = 3, Step = new Step { SessionId = "robot", Sequence = 1, Observation = { ["camera"] = Camera(160, 160) } } };
        Assert.True(flood.CalculateSize() > 4 * 1024 * GatewayOptions.OversizeCloseFactor);

        await socket.SendAsync(flood);
        var (reply, _) = await socket.ReceiveAsync();
        var (_, type) = await socket.ReceiveFrameAsync();

        AssertError(reply, ErrorCode.TooLarge, "frame");
        Assert.Equal(3ul, reply.RequestId);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
        await using var next = await gateway.RawSocketAsync();
        await AssertStillServesAsync(next);
    }

    internal static Field Camera(int height, int width)
    {
        var pixels = new byte[height * width * 3];
        new Random(7).NextBytes(pixels);
        return new Field { Image = new Image { Height = (uint)height, Width = (uint)width, Channels = 3, Pixels = ByteString.CopyFrom(pixels) } };
    }

    internal static void AssertError(ServerMessage reply, ErrorCode code, string field)
    {
        Assert.Equal(ServerMessage.ResultOneofCase.Error, reply.ResultCase);
        Assert.Equal(code, reply.Error.Code);
        Assert.Equal(field, reply.Error.Field);
        Assert.False(string.IsNullOrWhiteSpace(reply.Error.Message));
    }

    /// <summary>The socket still reads, dispatches and answers: a request with no operation is answered,
    /// under its id, in the encoding it was sent in.</summary>
    internal static async Task AssertStillServesAsync(RawGatewaySocket socket, bool asJson = false)
    {
        var reply = await socket.AskAsync(new ClientMessage { RequestId = 123456 }, asJson);
        AssertError(reply, ErrorCode.MalformedRequest, "op");
    }
}
