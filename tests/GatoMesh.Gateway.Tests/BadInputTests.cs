using System.Net;
using GatoMesh.Client;
using GatoMesh.Gateway.Tests.Fixtures;
using Google.Protobuf;
using Google.Protobuf.Collections;
using GatoMesh.Protos.V1;

using ErrorCode = GatoMesh.Protos.V1.ErrorCode;

namespace GatoMesh.Gateway.Tests;

/// <summary>
/// Issue 6, "Bad input at the gateway": wrong spec, NaN, oversized images, unknown sessions, another
/// fleet's session, a cluster that cannot serve. Each gets a typed error naming the field; afterwards the
/// same session steps on as if the bad request had not been sent, and the silo still serves.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task A_wrong_spec_is_InvalidSpec()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);

        var refused = await Assert.ThrowsAsync<GatoMeshException>(() =>
            client.OpenSessionAsync("robot", """{"observation": {"camera": {"kind": "image", "shape": [15, 16, 3]}}, "action": {}}"""));

        Assert.Equal(ErrorCode.InvalidSpec, refused.Code);
        Assert.StartsWith("spec", refused.Field);
        var opened = await client.OpenSessionAsync("robot", Observations.SpecJson);
        Assert.Equal(0, (await opened.StepAsync(Observations.For(0, 0))).Timestep);
        await AssertHealthyAsync(gateway);
    }

    public static TheoryData<string, Func<MapField<string, Field>, MapField<string, Field>>> BadObservations() => new()
    {
        { "observation.joints", o => With(o, "joints", Continuous(0.1f, float.NaN, 0.2f, 0.3f)) },
        { "observation.joints", o => With(o, "joints", Continuous(0.1f, float.PositiveInfinity, 0.2f, 0.3f)) },
        { "observation.joints", o => With(o, "joints", Continuous(0.1f, 0.2f)) },
        { "observation.camera", o => With(o, "camera", MalformedFrameTests.Camera(32, 32)) },
        { "observation.camera", o => With(o, "camera", new Field { Image = new Image { Height = 16, Width = 16, Channels = 3, Pixels = ByteString.CopyFrom(new byte[10]) } }) },
        { "observation.buttons", o => With(o, "buttons", new Field { Text = "press" }) },
        { "observation.camera", o => Without(o, "camera") },
    };

    [Theory]
    [MemberData(nameof(BadObservations))]
    public async Task A_bad_observation_is_InvalidObservation_naming_the_field_and_the_session_steps_on(
        string field, Func<MapField<string, Field>, MapField<string, Field>> spoil)
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var socket = await gateway.RawSocketAsync();
        await socket.AskAsync(SessionTests.Open(1, "robot"));
        var first = await socket.AskAsync(SessionTests.StepMessage(2, "robot", 1, Observations.Wire(0, 0)));

        var refused = await socket.AskAsync(SessionTests.StepMessage(3, "robot", 2, spoil(Observations.Wire(0, 1))));
        var next = await socket.AskAsync(SessionTests.StepMessage(4, "robot", 2, Observations.Wire(0, 1)));

        Assert.Equal(ErrorCode.InvalidObservation, refused.Error.Code);
        Assert.StartsWith(field, refused.Error.Field);
        Assert.Equal(0ul, first.Step.Timestep);
        Assert.Equal(1ul, next.Step.Timestep);
        await AssertHealthyAsync(gateway);
    }

    [Fact]
    public async Task The_client_refuses_values_the_spec_cannot_carry_before_sending_naming_the_field()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var session = await client.OpenSessionAsync("robot", Observations.SpecJson);

        var refused = await Assert.ThrowsAsync<GatoMeshException>(() =>
            session.StepAsync(Observations.For(0, 0).SetText("buttons", "press")));
        var next = await session.StepAsync(Observations.For(0, 0));

        Assert.Equal(ErrorCode.InvalidObservation, refused.Code);
        Assert.Equal("observation.buttons", refused.Field);
        Assert.Equal(0, next.Timestep);
    }

    [Fact]
    public async Task An_image_over_the_frame_limit_is_TooLarge_and_the_session_steps_on()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(o => o with { MaxMessageBytes = 64 * 1024 });
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var session = await client.OpenSessionAsync("robot", Observations.SpecJson);

        var refused = await Assert.ThrowsAsync<GatoMeshException>(() =>
            session.StepAsync(Observations.For(0, 0).SetImage("camera", new byte[256 * 256 * 3])));
        var next = await session.StepAsync(Observations.For(0, 0));

        Assert.Equal(ErrorCode.TooLarge, refused.Code);
        Assert.Equal("frame", refused.Field);
        Assert.Equal(0, next.Timestep);
    }

    [Fact]
    public async Task A_session_never_opened_is_UnknownSession()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var socket = await gateway.RawSocketAsync();

        var reply = await socket.AskAsync(SessionTests.StepMessage(1, "never-opened", 1, Observations.For(0, 0)));

        Assert.Equal(ErrorCode.UnknownSession, reply.Error.Code);
        await AssertHealthyAsync(gateway);
    }

    [Fact]
    public async Task Another_fleet_can_neither_read_nor_step_nor_close_a_session()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var owner = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        await using var intruder = await gateway.RawSocketAsync(GatewayUnderTest.KeyB);
        var session = await owner.OpenSessionAsync("robot", Observations.SpecJson);
        await session.StepAsync(Observations.For(0, 0));

        var read = await intruder.AskAsync(new ClientMessage { RequestId = 1, Describe = new Describe { SessionId = "robot" } });
        var stepped = await intruder.AskAsync(SessionTests.StepMessage(2, "robot", 2, Observations.For(9, 9)));
        await intruder.AskAsync(new ClientMessage { RequestId = 3, Close = new Close { SessionId = "robot" } });
        var next = await session.StepAsync(Observations.For(0, 1));

        Assert.Equal(ErrorCode.UnknownSession, read.Error.Code);
        Assert.Equal(ErrorCode.UnknownSession, stepped.Error.Code);
        Assert.Equal(1, next.Timestep);
        Assert.Equal(2, next.Sequence);
    }

    [Fact]
    public async Task A_silo_that_stopped_serving_makes_steps_Unavailable_not_a_dropped_socket()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using var socket = await gateway.RawSocketAsync();
        await socket.AskAsync(SessionTests.Open(1, "robot"));

        gateway.Gate.BeginOutage();
        var reply = await socket.AskAsync(SessionTests.StepMessage(2, "robot", 1, Observations.For(0, 0)));

        Assert.Equal(ErrorCode.Unavailable, reply.Error.Code);
        Assert.Equal("cluster", reply.Error.Field);
    }

    private static async Task AssertHealthyAsync(GatewayUnderTest gateway)
    {
        using var http = new HttpClient();
        using var health = await http.GetAsync(gateway.Http("/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static MapField<string, Field> With(MapField<string, Field> observation, string key, Field value)
    {
        observation[key] = value;
        return observation;
    }

    private static MapField<string, Field> Without(MapField<string, Field> observation, string key)
    {
        observation.Remove(key);
        return observation;
    }

    private static Field Continuous(params float[] values) => new() { Continuous = new FloatTensor { Values = { values } } };
}
