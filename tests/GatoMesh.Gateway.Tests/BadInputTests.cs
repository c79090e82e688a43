using System.Net;
using GatoMesh.Client;
using GatoMesh.Gateway.Tests.Fixtures;
using GatoMesh.Grains;
using GatoMesh.Protos.V1;

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
        await using var gateway = await GatewayUnderTest.StartServingAsync();
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);

        var refused = await Assert.ThrowsAsync<GatoMeshException>(() =>
            client.OpenSessionAsync("robot", """{"observation": {"camera": {"kind": "image", "shape": [15, 16, 3]}}, "action": {}}"""));

        Assert.Equal(SessionErrorCode.InvalidSpec, refused.Code);
        Assert.StartsWith("spec", refused.Field);
        var opened = await client.OpenSessionAsync("robot", Observations.SpecJson);
        Assert.Equal(0, (await opened.StepAsync(Observations.For(0, 0))).Timestep);
        await AssertHealthyAsync(gateway);
    }

    public static TheoryData<string, Func<Dictionary<string, FieldValue>, Dictionary<string, FieldValue>>> BadObservations() => new()
    {
        { "observation.joints", o => With(o, "joints", FieldValue.OfContinuous(0.1f, float.NaN, 0.2f, 0.3f)) },
        { "observation.joints", o => With(o, "joints", FieldValue.OfContinuous(0.1f, float.PositiveInfinity, 0.2f, 0.3f)) },
        { "observation.joints", o => With(o, "joints", FieldValue.OfContinuous(0.1f, 0.2f)) },
        { "observation.camera", o => With(o, "camera", FieldValue.OfImage(new byte[32 * 32 * 3], 32, 32, 3)) },
        { "observation.camera", o => With(o, "camera", FieldValue.OfImage(new byte[10], 16, 16, 3)) },
        { "observation.buttons", o => With(o, "buttons", FieldValue.OfText("press")) },
        { "observation.camera", o => Without(o, "camera") },
    };

    [Theory]
    [MemberData(nameof(BadObservations))]
    public async Task A_bad_observation_is_InvalidObservation_naming_the_field_and_the_session_steps_on(
        string field, Func<Dictionary<string, FieldValue>, Dictionary<string, FieldValue>> spoil)
    {
        await using var gateway = await GatewayUnderTest.StartServingAsync();
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var session = await client.OpenSessionAsync("robot", Observations.SpecJson);
        var first = await session.StepAsync(Observations.For(0, 0));

        var refused = await Assert.ThrowsAsync<GatoMeshException>(() => session.StepAsync(spoil(Observations.For(0, 1))));
        var next = await session.StepAsync(Observations.For(0, 1));

        Assert.Equal(SessionErrorCode.InvalidObservation, refused.Code);
        Assert.StartsWith(field, refused.Field);
        Assert.Equal(0, first.Timestep);
        Assert.Equal(1, next.Timestep);
        await AssertHealthyAsync(gateway);
    }

    [Fact]
    public async Task An_image_over_the_frame_limit_is_TooLarge_and_the_session_steps_on()
    {
        await using var gateway = await GatewayUnderTest.StartServingAsync(maxMessageBytes: 64 * 1024);
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var session = await client.OpenSessionAsync("robot", Observations.SpecJson);

        var refused = await Assert.ThrowsAsync<GatoMeshException>(() =>
            session.StepAsync(With(Observations.For(0, 0), "camera", FieldValue.OfImage(new byte[256 * 256 * 3], 256, 256, 3))));
        var next = await session.StepAsync(Observations.For(0, 0));

        Assert.Equal(SessionErrorCode.TooLarge, refused.Code);
        Assert.Equal("frame", refused.Field);
        Assert.Equal(0, next.Timestep);
    }

    [Fact]
    public async Task A_session_never_opened_is_UnknownSession()
    {
        await using var gateway = await GatewayUnderTest.StartServingAsync();
        await using var socket = await gateway.RawSocketAsync();

        var reply = await socket.AskAsync(SessionTests.StepMessage(1, "never-opened", 1, Observations.For(0, 0)));

        Assert.Equal(ErrorCode.UnknownSession, reply.Error.Code);
        await AssertHealthyAsync(gateway);
    }

    [Fact]
    public async Task Another_fleet_can_neither_read_nor_step_nor_close_a_session()
    {
        await using var gateway = await GatewayUnderTest.StartServingAsync();
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
        await using var gateway = await GatewayUnderTest.StartServingAsync();
        await using var socket = await gateway.RawSocketAsync();
        await socket.AskAsync(SessionTests.Open(1, "robot"));

        await gateway.StopSiloAsync();
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

    private static Dictionary<string, FieldValue> With(Dictionary<string, FieldValue> observation, string key, FieldValue value)
    {
        observation[key] = value;
        return observation;
    }

    private static Dictionary<string, FieldValue> Without(Dictionary<string, FieldValue> observation, string key)
    {
        observation.Remove(key);
        return observation;
    }
}
