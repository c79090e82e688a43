using GatoMesh.Grains;
using GatoMesh.Silo;

namespace GatoMesh.Grains.Tests;

public sealed class EmbeddedSiloTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_session_steps_and_a_retried_step_is_applied_once()
    {
        await using var silo = await ServingSilo.StartAsync(new ServingSiloOptions());
        var session = silo.GrainFactory.GetGrain<IEpisodeSessionGrain>(SessionKeys.Of("fleet-a", "robot-1"));
        var opened = await session.Open(SyntheticAgent.Open("fleet-a"));
        Assert.Null(opened.Error);
        Assert.True(opened.Open);

        var first = await session.Step(SyntheticAgent.Step("fleet-a", 1, SyntheticAgent.Observation(1, 0))).WaitAsync(Deadline);
        Assert.Null(first.Error);
        Assert.Equal(0, first.Timestep);
        Assert.Equal(2, first.ActionTokens.Length);
        Assert.Equal(2, first.Action["torque"].Continuous!.Length);
        Assert.Equal("gato-tiny-seed0", first.ModelVersion);

        var retried = await session.Step(SyntheticAgent.Step("fleet-a", 1, SyntheticAgent.Observation(1, 0)));
        Assert.Equal(first.ActionTokens, retried.ActionTokens);
        Assert.Equal(0, retried.Timestep);
        var second = await session.Step(SyntheticAgent.Step("fleet-a", 2, SyntheticAgent.Observation(1, 1)));
        Assert.Equal(1, second.Timestep);
        Assert.Equal(2, (await session.Describe("fleet-a")).NextTimestep);
    }
}
