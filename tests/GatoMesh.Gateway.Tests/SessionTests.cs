using GatoMesh.Data;
using Google.Protobuf.Collections;
using GatoMesh.Client;
using GatoMesh.Gateway.Tests.Fixtures;
using GatoMesh.Grains;
using GatoMesh.Protos;
using GatoMesh.Protos.V1;

using ErrorCode = GatoMesh.Protos.V1.ErrorCode;

namespace GatoMesh.Gateway.Tests;

/// <summary>
/// Sessions through the gateway to the real serving grains (gato-tiny, seeded random weights, greedy):
/// both encodings, many sessions on one socket, concurrency, retries with sequence numbers, and the
/// .NET client's reconnect. Actions are compared as action tokens, which the model alone decides.
/// </summary>
public sealed class SessionTests
{
    [Fact]
    public async Task Protobuf_and_json_clients_get_the_same_actions_for_the_same_observations()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var binary = await gateway.ClientAsync(GatewayUnderTest.KeyA, WireEncoding.Protobuf);
        await using var json = await gateway.ClientAsync(GatewayUnderTest.KeyA, WireEncoding.Json);
        var overBinary = await binary.OpenSessionAsync("binary", Observations.SpecJson);
        var overJson = await json.OpenSessionAsync("json", Observations.SpecJson);

        for (var step = 0; step < 3; step++)
        {
            var a = await overBinary.StepAsync(Observations.For(1, step));
            var b = await overJson.StepAsync(Observations.For(1, step));

            Assert.Equal(step, a.Timestep);
            Assert.Equal(step, b.Timestep);
            Assert.Equal(step + 1, a.Sequence);
            Assert.NotEmpty(a.ActionTokens);
            Assert.Equal(a.ActionTokens, b.ActionTokens);
            Assert.Equal(a.Action.GetContinuous("torque"), b.Action.GetContinuous("torque"));
            Assert.Equal(2, a.Action.GetContinuous("torque").Length);
            Assert.Equal(gateway.ModelVersion, a.ModelVersion);
        }
    }

    [Fact]
    public async Task Many_sessions_on_one_socket_each_get_the_actions_they_get_alone()
    {
        const int agents = 12, steps = 3;
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var shared = await gateway.ClientAsync(GatewayUnderTest.KeyA);

        var together = await Task.WhenAll(Enumerable.Range(0, agents).Select(async agent =>
        {
            var session = await shared.OpenSessionAsync($"together-{agent}", Observations.SpecJson);
            var tokens = new List<long[]>();
            for (var step = 0; step < steps; step++) tokens.Add((await session.StepAsync(Observations.For(agent, step))).ActionTokens);
            return tokens;
        }));
        for (var agent = 0; agent < agents; agent++)
        {
            var alone = await shared.OpenSessionAsync($"alone-{agent}", Observations.SpecJson);
            for (var step = 0; step < steps; step++)
                Assert.Equal((await alone.StepAsync(Observations.For(agent, step))).ActionTokens, together[agent][step]);
        }
    }

    [Fact]
    public async Task A_slow_step_does_not_hold_up_another_sessions_step_on_the_same_socket()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(gatedSession: SessionKeys.Of("fleet-a", "slow"));
        var gated = gateway.Gate;
        await using var socket = await gateway.RawSocketAsync();
        foreach (var (id, session) in new[] { (1ul, "slow"), (2ul, "fast") })
            Assert.Equal(ServerMessage.ResultOneofCase.Session, (await socket.AskAsync(Open(id, session))).ResultCase);

        await socket.SendAsync(StepMessage(10, "slow", 1, Observations.For(0, 0)));
        await gated.StepWaiting;
        var fast = await socket.AskAsync(StepMessage(11, "fast", 1, Observations.For(0, 0)));
        gated.Open();
        var (slow, _) = await socket.ReceiveAsync();

        Assert.Equal(ServerMessage.ResultOneofCase.Step, fast.ResultCase);
        Assert.Equal(10ul, slow.RequestId);
        Assert.Equal(ServerMessage.ResultOneofCase.Step, slow.ResultCase);
        Assert.Equal(fast.Step.ActionTokens, slow.Step.ActionTokens); // same observation, same model
    }

    [Fact]
    public async Task A_step_retried_with_its_sequence_on_a_new_socket_is_applied_once_and_answered_again()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        ServerMessage first, retried, next, described;
        await using (var socket = await gateway.RawSocketAsync())
        {
            await socket.AskAsync(Open(1, "robot"));
            first = await socket.AskAsync(StepMessage(2, "robot", 1, Observations.For(3, 0)));
        }
        await using (var again = await gateway.RawSocketAsync())
        {
            retried = await again.AskAsync(StepMessage(1, "robot", 1, Observations.For(3, 0)));
            next = await again.AskAsync(StepMessage(2, "robot", 2, Observations.For(3, 1)));
            described = await again.AskAsync(new ClientMessage { RequestId = 3, Describe = new Describe { SessionId = "robot" } });
        }

        Assert.Equal(ServerMessage.ResultOneofCase.Step, first.ResultCase);
        Assert.Equal(first.Step.ActionTokens, retried.Step.ActionTokens);
        Assert.Equal(0ul, retried.Step.Timestep);
        Assert.Equal(1ul, next.Step.Timestep);
        Assert.Equal(2ul, described.Session.Sequence);
        Assert.Equal(2ul, described.Session.NextTimestep);
    }

    [Fact]
    public async Task The_client_reconnects_after_a_lost_connection_and_retries_the_step_with_its_sequence()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var proxy = new CuttableProxy(gateway.Silo.HttpPort);
        await using var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions
        {
            Endpoint = new Uri($"ws://127.0.0.1:{proxy.Port}{GatewayEndpoints.SessionsPath}"),
            ApiKey = GatewayUnderTest.KeyA,
            ReconnectDelay = TimeSpan.FromMilliseconds(10),
        });
        await using var direct = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var robot = await client.OpenSessionAsync("robot", Observations.SpecJson);
        var twin = await direct.OpenSessionAsync("twin", Observations.SpecJson);

        var replies = new List<ActionReply>();
        for (var step = 0; step < 3; step++)
        {
            if (step == 1) proxy.CutAfterNextClientBytes();
            replies.Add(await robot.StepAsync(Observations.For(5, step)));
        }
        var described = await robot.DescribeAsync();

        Assert.True(proxy.Cut.IsCompleted);
        Assert.Equal(2, proxy.Connections);
        Assert.Equal([0L, 1L, 2L], replies.Select(r => r.Timestep));
        Assert.Equal([1L, 2L, 3L], replies.Select(r => r.Sequence));
        Assert.Equal(3, described.Sequence);
        Assert.Equal(3, described.NextTimestep);
        for (var step = 0; step < 3; step++)
            Assert.Equal((await twin.StepAsync(Observations.For(5, step))).ActionTokens, replies[step].ActionTokens);
    }

    [Fact]
    public async Task A_step_unanswered_within_the_request_timeout_is_retried_on_a_new_connection_and_applied_once()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(gatedSession: SessionKeys.Of("fleet-a", "robot"));
        var gated = gateway.Gate;
        await using var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions
        {
            Endpoint = gateway.SessionsEndpoint,
            ApiKey = GatewayUnderTest.KeyA,
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            ReconnectDelay = TimeSpan.FromMilliseconds(10),
        });
        var session = await client.OpenSessionAsync("robot", Observations.SpecJson);

        var step = session.StepAsync(Observations.For(2, 0));
        await gated.SecondStepWaiting; // the first try timed out and the client sent the step again
        gated.Open();
        var reply = await step;
        var described = await session.DescribeAsync();

        Assert.Equal(0, reply.Timestep);
        Assert.Equal(1, reply.Sequence);
        Assert.Equal(1, described.Sequence);
        Assert.Equal(1, described.NextTimestep);
    }

    [Fact]
    public async Task The_client_gives_up_with_Unavailable_after_its_attempts_when_the_cluster_cannot_serve()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions
        {
            Endpoint = gateway.SessionsEndpoint,
            ApiKey = GatewayUnderTest.KeyA,
            MaxAttempts = 2,
            ReconnectDelay = TimeSpan.FromMilliseconds(10),
        });
        var session = await client.OpenSessionAsync("robot", Observations.SpecJson);

        await gateway.StopAsync();
        var refused = await Assert.ThrowsAsync<GatoMeshException>(() => session.StepAsync(Observations.For(0, 0)));

        Assert.Equal(ErrorCode.Unavailable, refused.Code);
        Assert.Contains("2 attempts", refused.Message);
    }

    [Fact]
    public async Task Reset_starts_a_new_episode_and_close_ends_the_session()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var session = await client.OpenSessionAsync("robot", Observations.SpecJson);
        await session.StepAsync(Observations.For(0, 0));

        await session.ResetAsync();
        var afterReset = await session.StepAsync(Observations.For(0, 1));
        var described = await session.DescribeAsync();
        await session.CloseAsync();
        var closed = await Assert.ThrowsAsync<GatoMeshException>(() => session.StepAsync(Observations.For(0, 2)));

        Assert.Equal(0, afterReset.Timestep);
        Assert.Equal(2, described.Episode);
        Assert.True(described.Open);
        Assert.Contains(closed.Code, new[] { ErrorCode.SessionClosed, ErrorCode.UnknownSession });
    }

    internal static ClientMessage Open(ulong requestId, string session) =>
        new() { RequestId = requestId, Open = new Open { SessionId = session, SpecJson = Observations.SpecJson } };

    internal static ClientMessage StepMessage(ulong requestId, string session, ulong sequence, FieldValues observation) =>
        StepMessage(requestId, session, sequence, Wire(observation));

    internal static ClientMessage StepMessage(ulong requestId, string session, ulong sequence, MapField<string, Field> observation)
    {
        var step = new Step { SessionId = session, Sequence = sequence };
        step.Observation.Add(observation);
        return new ClientMessage { RequestId = requestId, Step = step };
    }

    internal static MapField<string, Field> Wire(FieldValues observation)
    {
        var wire = new MapField<string, Field>();
        WireValues.ToWire(Observations.Spec, observation, wire);
        return wire;
    }
}
