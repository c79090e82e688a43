
namespace GatoMesh.Grains.Tests;

/// <summary>Steps one session through deterministic synthetic observations and records what it got.</summary>
internal sealed class SessionDriver(IGrainFactory grains, string fleet, string id, int seed)
{
    public const string Fleet = "fleet-a";

    public string Id { get; } = id;
    public long Sequence { get; private set; }
    public List<long[]> Actions { get; } = [];
    public List<StepReply> Replies { get; } = [];

    public IEpisodeSessionGrain Grain => grains.GetGrain<IEpisodeSessionGrain>(SessionKeys.Of(fleet, Id));

    /// <summary>Opens the session drawing its continuous action tokens at <paramref name="temperature"/>
    /// (<c>ContinuousAsTokens</c>). The tests that use this driver compare two runs action for action, and
    /// two runs batch, prefill and decode differently, so their logits agree only to round-off. A draw
    /// changes only when its uniform number falls within that round-off of a boundary; the default
    /// decoding, the bin of the expected value, averages values up to 256 into bins ~0.002 wide near zero
    /// and turns the same round-off into a different bin about once in a few hundred steps (seen in CI:
    /// 1645 against 1644 after a failover).</summary>
    public async Task OpenAsync(float temperature = 0.8f)
    {
        var reply = await Grain.Open(SyntheticAgent.Open(fleet, temperature, seed: (ulong)seed) with { ContinuousAsTokens = true });
        Assert.Null(reply.Error);
    }

    /// <summary>Takes <paramref name="steps"/> steps; each must succeed.</summary>
    public async Task StepAsync(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var reply = await StepOnceAsync(Grain);
            Assert.True(reply.Error is null, $"{Id} step {Sequence}: {reply.Error}");
        }
    }

    /// <summary>One step through <paramref name="grain"/> with the next sequence number; a retry
    /// (the same number again) after a failure is the caller's to make.</summary>
    public async Task<StepReply> StepOnceAsync(IEpisodeSessionGrain grain, bool reuseSequence = false)
    {
        if (!reuseSequence) Sequence++;
        var reply = await grain.Step(SyntheticAgent.Step(fleet, Sequence, SyntheticAgent.Observation(seed, Sequence - 1)));
        if (reply.Error is null)
        {
            Actions.Add(reply.ActionTokens);
            Replies.Add(reply);
        }
        return reply;
    }
}
