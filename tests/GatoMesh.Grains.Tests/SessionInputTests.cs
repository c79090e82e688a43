using GatoMesh.Silo;

namespace GatoMesh.Grains.Tests;

/// <summary>ARCHITECTURE.md, "Non-negotiables": bad input gets a typed error naming the field and never
/// harms the session. Each case sends something wrong, then the same session takes a good step that
/// equals the step an untouched session takes.</summary>
public sealed class SessionInputTests : IAsyncLifetime
{
    private ServingSilo silo = null!;
    private const string Fleet = SessionDriver.Fleet;

    public async Task InitializeAsync() => silo = await ServingSilo.StartAsync(new ServingSiloOptions());
    public async Task DisposeAsync() => await silo.DisposeAsync();

    public static TheoryData<string, SessionErrorCode, string> BadObservations => new()
    {
        { "nan", SessionErrorCode.InvalidObservation, "observation.joints" },
        { "missing field", SessionErrorCode.InvalidObservation, "observation.mode" },
        { "extra field", SessionErrorCode.InvalidObservation, "observation.lidar" },
        { "wrong kind", SessionErrorCode.InvalidObservation, "observation.joints" },
        { "oversized image", SessionErrorCode.InvalidObservation, "observation.camera" },
        { "short tensor", SessionErrorCode.InvalidObservation, "observation.joints" },
        { "discrete out of range", SessionErrorCode.InvalidObservation, "observation.mode" },
        { "two kinds", SessionErrorCode.InvalidObservation, "observation.joints" },
    };

    [Theory]
    [MemberData(nameof(BadObservations))]
    public async Task A_bad_observation_is_a_typed_error_and_the_session_steps_on_unharmed(string mistake, SessionErrorCode code, string field)
    {
        var session = await OpenAsync($"bad-{mistake}");
        var reference = await OpenAsync($"good-{mistake}");
        var observation = SyntheticAgent.Observation(3, 0);
        switch (mistake)
        {
            case "nan": observation["joints"] = FieldValue.OfContinuous(0.1f, float.NaN, 0, 0); break;
            case "missing field": observation.Remove("mode"); break;
            case "extra field": observation["lidar"] = FieldValue.OfContinuous(1); break;
            case "wrong kind": observation["joints"] = FieldValue.OfDiscrete(1, 2, 3, 4); break;
            case "oversized image": observation["camera"] = FieldValue.OfImage(new byte[64 * 64 * 3], 64, 64); break;
            case "short tensor": observation["joints"] = FieldValue.OfContinuous(0.5f); break;
            case "discrete out of range": observation["mode"] = FieldValue.OfDiscrete(3, 99); break;
            case "two kinds": observation["joints"] = observation["joints"] with { Text = "hello" }; break;
        }

        var bad = await session.Step(SyntheticAgent.Step(Fleet, 1, observation));
        Assert.NotNull(bad.Error);
        Assert.Equal(code, bad.Error!.Code);
        Assert.StartsWith(field, bad.Error.Field);

        // The refused step changed nothing: sequence 1 is still free and timestep 0 is next.
        var good = await session.Step(SyntheticAgent.Step(Fleet, 1, SyntheticAgent.Observation(3, 0)));
        var expected = await reference.Step(SyntheticAgent.Step(Fleet, 1, SyntheticAgent.Observation(3, 0)));
        Assert.Null(good.Error);
        Assert.Equal(0, good.Timestep);
        Assert.Equal(expected.ActionTokens, good.ActionTokens);
    }

    [Theory]
    [InlineData("{ not json", "spec")]
    [InlineData("""{ "name": "x", "observation": {}, "action": {} }""", "spec")]
    [InlineData("""{ "name": "x", "observation": { "a": { "kind": "image", "shape": [15, 16, 3] } }, "action": { "m": { "kind": "discrete", "shape": [1], "range": [0, 3] } } }""", "spec")]
    public async Task A_wrong_spec_is_refused_and_nothing_is_opened(string spec, string field)
    {
        var session = Session("wrong-spec");
        var reply = await session.Open(new OpenSessionRequest { Fleet = Fleet, SpecJson = spec });
        Assert.Equal(SessionErrorCode.InvalidSpec, reply.Error?.Code);
        Assert.Equal(field, reply.Error!.Field);
        var step = await session.Step(SyntheticAgent.Step(Fleet, 1, SyntheticAgent.Observation(0, 0)));
        Assert.Equal(SessionErrorCode.UnknownSession, step.Error?.Code);
    }

    [Fact]
    public async Task A_bad_prompt_names_the_timestep_and_field()
    {
        var prompt = new PromptTimestep(SyntheticAgent.Observation(1, 0),
            new Dictionary<string, FieldValue> { ["torque"] = FieldValue.OfContinuous(0.5f, float.PositiveInfinity) });
        var reply = await Session("bad-prompt").Open(SyntheticAgent.Open(Fleet) with { Prompt = [prompt] });
        Assert.Equal(SessionErrorCode.InvalidPrompt, reply.Error?.Code);
        Assert.StartsWith("prompt[0].", reply.Error!.Field);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_window_is_refused()
    {
        var prompt = Enumerable.Range(0, 26).Select(t => new PromptTimestep(SyntheticAgent.Observation(1, t),
            new Dictionary<string, FieldValue> { ["torque"] = FieldValue.OfContinuous(0.1f, -0.1f) })).ToList();
        var reply = await Session("long-prompt").Open(SyntheticAgent.Open(Fleet) with { Prompt = prompt });
        Assert.Equal(SessionErrorCode.ContextTooLong, reply.Error?.Code);
    }

    [Fact]
    public async Task Another_fleet_can_neither_step_describe_reset_nor_close_a_session()
    {
        var session = await OpenAsync("owned");
        Assert.Null((await session.Step(SyntheticAgent.Step(Fleet, 1, SyntheticAgent.Observation(0, 0)))).Error);

        Assert.Equal(SessionErrorCode.UnknownSession, (await session.Step(SyntheticAgent.Step("fleet-b", 2, SyntheticAgent.Observation(0, 1)))).Error?.Code);
        Assert.Equal(SessionErrorCode.UnknownSession, (await session.Describe("fleet-b")).Error?.Code);
        Assert.Equal(SessionErrorCode.UnknownSession, (await session.Reset(new ResetRequest { Fleet = "fleet-b", Sequence = 9 })).Error?.Code);
        Assert.Equal(SessionErrorCode.UnknownSession, (await session.Close("fleet-b")).Error?.Code);
        Assert.Equal(SessionErrorCode.UnknownSession, (await session.Open(SyntheticAgent.Open("fleet-b"))).Error?.Code);

        var owner = await session.Describe(Fleet);
        Assert.True(owner.Open);
        Assert.Equal(1, owner.NextTimestep);
    }

    [Fact]
    public async Task Sequence_numbers_apply_a_step_once_and_refuse_old_ones()
    {
        var session = await OpenAsync("sequences");
        var first = await session.Step(SyntheticAgent.Step(Fleet, 5, SyntheticAgent.Observation(0, 0)));
        var again = await session.Step(SyntheticAgent.Step(Fleet, 5, SyntheticAgent.Observation(0, 0)));
        Assert.Equal(first.ActionTokens, again.ActionTokens);
        Assert.Equal(first.Timestep, again.Timestep);
        Assert.Equal(SessionErrorCode.StaleSequence, (await session.Step(SyntheticAgent.Step(Fleet, 4, SyntheticAgent.Observation(0, 1)))).Error?.Code);
        Assert.Equal(1, (await session.Step(SyntheticAgent.Step(Fleet, 6, SyntheticAgent.Observation(0, 1)))).Timestep);
    }

    [Fact]
    public async Task Reset_starts_a_new_episode_and_close_ends_the_session()
    {
        var session = await OpenAsync("lifecycle");
        var reference = await OpenAsync("lifecycle-reference");
        await session.Step(SyntheticAgent.Step(Fleet, 1, SyntheticAgent.Observation(7, 5)));
        var reset = await session.Reset(new ResetRequest { Fleet = Fleet, Sequence = 2 });
        Assert.Equal(2, reset.Episode);
        Assert.Equal(0, reset.NextTimestep);
        Assert.Equal(2, (await session.Reset(new ResetRequest { Fleet = Fleet, Sequence = 2 })).Episode);

        // A fresh episode: the same first action as a session that never stepped.
        var after = await session.Step(SyntheticAgent.Step(Fleet, 3, SyntheticAgent.Observation(7, 0)));
        var fresh = await reference.Step(SyntheticAgent.Step(Fleet, 1, SyntheticAgent.Observation(7, 0)));
        Assert.Equal(fresh.ActionTokens, after.ActionTokens);

        Assert.False((await session.Close(Fleet)).Open);
        Assert.False((await session.Close(Fleet)).Open);
        Assert.Equal(SessionErrorCode.UnknownSession, (await session.Step(SyntheticAgent.Step(Fleet, 4, SyntheticAgent.Observation(7, 1)))).Error?.Code);
    }

    [Fact]
    public async Task Continuous_actions_are_expected_values_unless_the_session_opens_with_continuous_as_tokens()
    {
        var mean = await OpenAsync("decode-mean");
        var tokens = Session("decode-tokens");
        Assert.Null((await tokens.Open(SyntheticAgent.Open(Fleet) with { ContinuousAsTokens = true })).Error);
        // The decoding is part of what a session was opened with: re-opening with the other one is refused.
        Assert.Equal(SessionErrorCode.SessionExists, (await mean.Open(SyntheticAgent.Open(Fleet) with { ContinuousAsTokens = true })).Error?.Code);
        Assert.Null((await mean.Open(SyntheticAgent.Open(Fleet))).Error);

        // The synthetic torque is continuous: the grain marks its ranges, so the two sessions choose
        // differently from the same logits (an untrained model's spread bins: mean near the middle, argmax anywhere).
        var differ = 0;
        for (var t = 0; t < 4; t++)
        {
            var a = await mean.Step(SyntheticAgent.Step(Fleet, t + 1, SyntheticAgent.Observation(11, t)));
            var b = await tokens.Step(SyntheticAgent.Step(Fleet, t + 1, SyntheticAgent.Observation(11, t)));
            Assert.Null(a.Error);
            Assert.Null(b.Error);
            if (!a.ActionTokens.SequenceEqual(b.ActionTokens)) differ++;
        }
        Assert.True(differ > 0, "expected-value and most-likely-bin sessions chose the same actions at every step");
    }

    private IEpisodeSessionGrain Session(string id) => silo.GrainFactory.GetGrain<IEpisodeSessionGrain>(SessionKeys.Of(Fleet, id));

    private async Task<IEpisodeSessionGrain> OpenAsync(string id)
    {
        var session = Session(id);
        Assert.Null((await session.Open(SyntheticAgent.Open(Fleet))).Error);
        return session;
    }
}
