using GatoMesh.Gateway.Tests.Fixtures;
using GatoMesh.Protos.V1;
using Grpc.Core;
using ErrorCode = GatoMesh.Protos.V1.ErrorCode;

namespace GatoMesh.Gateway.Tests;

/// <summary>docs/GATEWAY.md, "gRPC": the Sessions stream carries the WebSocket's exchange with the same
/// keys, fleets, errors and sequence-number retries, through a real HTTP/2 client.</summary>
public sealed class GrpcGatewayTests
{
    private static Metadata Key(string key) => new() { { "authorization", "Bearer " + key } };

    [Fact]
    public async Task A_missing_or_unknown_key_ends_the_stream_unauthenticated_before_any_message()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        var (channel, client) = gateway.GrpcClient();
        using var _ = channel;

        foreach (var headers in new[] { new Metadata(), Key("not-a-key") })
        {
            using var call = client.Sessions(headers);
            var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
    }

    [Fact]
    public async Task Steps_over_gRPC_get_the_actions_a_WebSocket_client_gets_and_a_resent_step_is_applied_once()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        var (channel, client) = gateway.GrpcClient();
        using var _ = channel;
        await using var twinClient = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var twin = await twinClient.OpenSessionAsync("twin", Observations.SpecJson);

        using (var call = client.Sessions(Key(GatewayUnderTest.KeyA)))
        {
            var open = await AskAsync(call, new ClientMessage { RequestId = 1, Open = new Open { SessionId = "grpc-robot", SpecJson = Observations.SpecJson } });
            Assert.True(open.Session.Open);
            for (var step = 0; step < 3; step++)
            {
                var expected = await twin.StepAsync(Observations.For(5, step));
                var reply = await AskAsync(call, StepMessage(10 + (ulong)step, (ulong)step + 1, Observations.Wire(5, step)));
                Assert.Equal(ServerMessage.ResultOneofCase.Step, reply.ResultCase);
                Assert.Equal((ulong)step, reply.Step.Timestep);
                Assert.Equal(expected.ActionTokens, reply.Step.ActionTokens);
            }
            await call.RequestStream.CompleteAsync();
        }

        // The same sequence on a new stream (a robot that lost its connection) is answered from the record.
        using var retry = client.Sessions(Key(GatewayUnderTest.KeyA));
        var again = await AskAsync(retry, StepMessage(1, 3, Observations.Wire(5, 2)));
        Assert.Equal(2ul, again.Step.Timestep);
        var stale = await AskAsync(retry, StepMessage(2, 2, Observations.Wire(5, 1)));
        Assert.Equal(ErrorCode.StaleSequence, stale.Error.Code);
        Assert.Equal("sequence", stale.Error.Field);
    }

    [Fact]
    public async Task Bad_requests_get_typed_errors_and_the_stream_serves_on()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        var (channel, client) = gateway.GrpcClient();
        using var _ = channel;
        using var call = client.Sessions(Key(GatewayUnderTest.KeyB));

        var noOp = await AskAsync(call, new ClientMessage { RequestId = 7 });
        var unknown = await AskAsync(call, StepMessage(8, 1, Observations.Wire(0, 0), "never-opened"));
        var open = await AskAsync(call, new ClientMessage { RequestId = 9, Open = new Open { SessionId = "b-robot", SpecJson = Observations.SpecJson } });

        Assert.Equal((7ul, ErrorCode.MalformedRequest, "op"), (noOp.RequestId, noOp.Error.Code, noOp.Error.Field));
        Assert.Equal(ErrorCode.UnknownSession, unknown.Error.Code);
        Assert.True(open.Session.Open);
    }

    private static ClientMessage StepMessage(ulong requestId, ulong sequence, Google.Protobuf.Collections.MapField<string, Field> observation, string session = "grpc-robot")
    {
        var step = new Step { SessionId = session, Sequence = sequence };
        step.Observation.Add(observation);
        return new ClientMessage { RequestId = requestId, Step = step };
    }

    private static async Task<ServerMessage> AskAsync(AsyncDuplexStreamingCall<ClientMessage, ServerMessage> call, ClientMessage request)
    {
        await call.RequestStream.WriteAsync(request);
        Assert.True(await call.ResponseStream.MoveNext(), "the stream ended before the reply");
        Assert.Equal(request.RequestId, call.ResponseStream.Current.RequestId);
        return call.ResponseStream.Current;
    }
}
