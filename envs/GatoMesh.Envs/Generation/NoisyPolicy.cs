using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// The expert with exploration noise, for recording training data (docs/DATA.md, "Expert noise"): at each
/// step, with probability <c>noise</c>, the action taken (and recorded) is the random policy's. The
/// expert still sees every observation, so a stateful expert keeps its plan, and the next step's expert
/// action is its correction from wherever the random action led. That makes the expert's actions depend
/// on the observation where a clean scripted expert would repeat one action for many steps. The coin
/// is seeded by the episode's seed, so an episode is reproducible. With <paramref name="recordExpert"/>
/// the record holds the expert's action for each observation (<see cref="IRecordsOtherAction"/>) while the
/// environment still receives the noisy one (DART).
/// </summary>
public sealed class NoisyPolicy(IPolicy expert, IPolicy random, double noise, bool recordExpert = false) : IPolicy, IRecordsOtherAction
{
    SeededRandom coin = new(0);

    public ActionValues? Recorded { get; private set; }

    public void Reset(ulong seed)
    {
        expert.Reset(seed);
        random.Reset(seed);
        coin = SeededRandom.For(seed, 0x0015_E7A1);
    }

    public ActionValues Act(FieldValues observation)
    {
        var action = expert.Act(observation);
        var exploratory = random.Act(observation);
        Recorded = recordExpert ? action : null;
        return coin.NextDouble() < noise ? exploratory : action;
    }
}
