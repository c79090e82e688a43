using GatoMesh.Model.Engine;
using GatoMesh.Tokens;

namespace GatoMesh.Model.Tests.Engine;

/// <summary>How one action token is chosen from its logits (docs/ENGINE.md, "Sampling").</summary>
public class ActionSamplerTests
{
    private const int Lo = 96;
    private static readonly TokenRange Bins = new(Lo, Lo + TokenSpace.BinCount) { Continuous = true };

    /// <summary>Logits with the given probabilities on the given bins and none elsewhere.</summary>
    private static float[] Mass(params (double Value, double Probability)[] at)
    {
        var logits = Enumerable.Repeat(-1000f, TokenSpace.BinCount).ToArray();
        foreach (var (value, probability) in at) logits[MuLaw.Bin(value)] = (float)Math.Log(probability);
        return logits;
    }

    [Fact]
    public void A_continuous_token_is_the_bin_of_the_mean_value_not_the_most_likely_bin()
    {
        // 40% on 0.5, 60% spread evenly over -0.1, -0.2, -0.3: the most likely bin is 0.5's, the mean 0.08.
        var logits = Mass((0.5, 0.4), (-0.1, 0.2), (-0.2, 0.2), (-0.3, 0.2));
        var mean = 0.4 * MuLaw.Decode(MuLaw.Bin(0.5)) + 0.2 * (MuLaw.Decode(MuLaw.Bin(-0.1)) + MuLaw.Decode(MuLaw.Bin(-0.2)) + MuLaw.Decode(MuLaw.Bin(-0.3)));
        Assert.InRange(mean, 0.075, 0.085);

        Assert.Equal(Lo + MuLaw.Bin(mean), ActionSampler.Sample(logits, Bins, SamplingParams.Greedy, timestep: 0, actionIndex: 0));
        Assert.Equal(Lo + MuLaw.Bin(0.5), ActionSampler.Sample(logits, Bins, SamplingParams.Greedy with { ContinuousAsTokens = true }, 0, 0));
        Assert.Equal(Lo + MuLaw.Bin(0.5), ActionSampler.Sample(logits, Bins with { Continuous = false }, SamplingParams.Greedy, 0, 0));
    }

    [Fact]
    public void The_temperature_does_not_move_a_continuous_token_but_draws_a_discrete_one()
    {
        var logits = Mass((0.25, 0.5), (-0.25, 0.5));
        var middle = Lo + MuLaw.Bin((MuLaw.Decode(MuLaw.Bin(0.25)) + MuLaw.Decode(MuLaw.Bin(-0.25))) / 2);
        var drawn = new HashSet<long>();
        for (var t = 0; t < 64; t++)
        {
            var sampling = SamplingParams.WithTemperature(1, seed: 7);
            Assert.Equal(middle, ActionSampler.Sample(logits, Bins, sampling, t, 0));
            drawn.Add(ActionSampler.Sample(logits, Bins, sampling with { ContinuousAsTokens = true }, t, 0));
        }
        Assert.Equal(new HashSet<long> { Lo + MuLaw.Bin(0.25), Lo + MuLaw.Bin(-0.25) }, drawn);
    }
}
