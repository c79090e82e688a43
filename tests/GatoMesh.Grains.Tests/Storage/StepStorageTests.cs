using GatoMesh.Grains.Serving;
using GatoMesh.Grains.Tests.Fixtures;
using GatoMesh.Model;
using Orleans.TestingHost;

namespace GatoMesh.Grains.Tests.Storage;

/// <summary>
/// docs/ARCHITECTURE.md, "Serving path": a session persists each step before it answers, and a step
/// record is written create-only, so two activations of one session can never both apply a step at one
/// timestep (Serving/SessionStore.cs). On a two-silo test cluster, through the provider each silo uses
/// (memory, or a real redis-server): the record of a step is in storage the moment its reply is back;
/// a record already at the next timestep with the step's own sequence (an earlier attempt that was
/// applied, its answer lost) is adopted as the answer, and the session goes on from it exactly as a
/// session that read it from storage does; one with another sequence (another activation's step) makes
/// the step Unavailable and leaves the session working.
/// </summary>
public abstract class StepStorageTests : IAsyncLifetime
{
    private const string Fleet = SessionDriver.Fleet;
    private TestCluster cluster = null!;

    protected abstract string? Redis { get; }

    public async Task InitializeAsync() => this.cluster = await ServingTestCluster.StartAsync(2, Redis);

    public Task DisposeAsync() => this.cluster.StopAsync();

    [Fact]
    public async Task A_steps_record_is_in_storage_when_its_reply_returns()
    {
        var driver = await OpenAsync("persisted");
        for (var t = 0; t < 4; t++)
        {
            var reply = await driver.StepOnceAsync(driver.Grain);
            Assert.Null(reply.Error);
            // Read through each silo's provider: the record is shared storage, not one silo's memory.
            for (var silo = 0; silo < 2; silo++)
            {
                var record = await Store(silo, "persisted").ReadStepAsync(episode: 1, reply.Timestep);
                Assert.NotNull(record);
                Assert.Equal(reply.Sequence, record.Sequence);
                Assert.Equal(reply.ActionTokens, record.ActionTokens);
                Assert.Equal(SyntheticAgent.Observation(0, t)["joints"].Continuous, record.Observation["joints"].Continuous);
            }
        }
    }

    [Fact]
    public async Task A_record_already_written_with_the_steps_sequence_is_adopted_and_the_session_goes_on_from_it()
    {
        // The reference reads the record from storage: seeded, then activated afresh, it answers the
        // step as a retry and steps on from a context rebuilt with it.
        var reference = await OpenAsync("adopted-reference");
        await reference.StepAsync(3);
        var seeded = Seeded(reference.Actions[0]);
        await Store(1, "adopted-reference").WriteStepAsync(Record(timestep: 3, sequence: 4, seeded));
        await this.cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(seeded, (await reference.StepOnceAsync(reference.Grain)).ActionTokens);
        var expected = await reference.StepOnceAsync(reference.Grain);

        var session = await OpenAsync("adopted");
        await session.StepAsync(3);
        await Store(1, "adopted").WriteStepAsync(Record(timestep: 3, sequence: 4, seeded));
        var adopted = await session.StepOnceAsync(session.Grain);
        Assert.Null(adopted.Error);
        Assert.Equal((3, 4), (adopted.Timestep, adopted.Sequence));
        Assert.Equal(seeded, adopted.ActionTokens);

        var next = await session.StepOnceAsync(session.Grain);
        Assert.Null(next.Error);
        Assert.Equal(4, next.Timestep);
        Assert.Equal(expected.ActionTokens, next.ActionTokens);
    }

    [Fact]
    public async Task A_record_another_activation_wrote_at_the_timestep_makes_the_step_Unavailable_and_the_session_works_on()
    {
        var session = await OpenAsync("superseded");
        await session.StepAsync(3);
        var theirs = Seeded(session.Actions[0]);
        await Store(1, "superseded").WriteStepAsync(Record(timestep: 3, sequence: 5, theirs));

        var refused = await session.Grain.Step(SyntheticAgent.Step(Fleet, 4, SyntheticAgent.Observation(0, 3)));
        Assert.Equal(SessionErrorCode.Unavailable, refused.Error?.Code);
        var stored = await Store(0, "superseded").ReadStepAsync(episode: 1, timestep: 3);
        Assert.Equal(5, stored!.Sequence);
        Assert.Equal(theirs, stored.ActionTokens);

        var described = await session.Grain.Describe(Fleet);
        Assert.Null(described.Error);
        Assert.Equal((4L, 5L), (described.NextTimestep, described.Sequence));
        var next = await session.Grain.Step(SyntheticAgent.Step(Fleet, 6, SyntheticAgent.Observation(0, 4)));
        Assert.Null(next.Error);
        Assert.Equal(4, next.Timestep);
    }

    private async Task<SessionDriver> OpenAsync(string id)
    {
        var driver = new SessionDriver(this.cluster.GrainFactory, Fleet, id, seed: 0);
        await driver.OpenAsync();
        return driver;
    }

    private SessionStore Store(int silo, string id) => new(this.cluster.Storage(silo), SessionKeys.Of(Fleet, id));

    /// <summary>Continuous action tokens other than <paramref name="sampled"/>: each moved half the 1024 bins
    /// round, within the bins' ids [V, V + 1024) (docs/TOKENS.md).</summary>
    private static long[] Seeded(long[] sampled)
    {
        long bins = Presets.Tiny.TextVocab;
        return [.. sampled.Select(t => bins + (t - bins + 512) % 1024)];
    }

    /// <summary>What a step of session seed 0 would persist at <paramref name="timestep"/>.</summary>
    private static StepRecord Record(long timestep, long sequence, long[] actionTokens) => new()
    {
        Episode = 1,
        Timestep = timestep,
        Sequence = sequence,
        Observation = new Dictionary<string, FieldValue>(SyntheticAgent.Observation(0, timestep), StringComparer.Ordinal),
        ActionTokens = actionTokens,
        ModelVersion = "gato-tiny-seed0",
    };
}

public sealed class MemoryStepStorageTests : StepStorageTests
{
    protected override string? Redis => null;
}

public sealed class RedisStepStorageTests(RedisServerFixture redis) : StepStorageTests, IClassFixture<RedisServerFixture>
{
    protected override string? Redis => redis.Configuration;
}
