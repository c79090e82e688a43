using GatoMesh.Data;

namespace GatoMesh.Envs.Tests;

/// <summary>Comparisons of recorded episodes, step by step and bit for bit.</summary>
internal static class Episodes
{
    public static bool Same(EpisodeRecord a, EpisodeRecord b) =>
        a.Task == b.Task && a.Seed == b.Seed && a.Steps.Count == b.Steps.Count &&
        a.Steps.Zip(b.Steps).All(pair =>
            pair.First.Observation.SameAs(pair.Second.Observation) &&
            pair.First.Action.SameAs(pair.Second.Action) &&
            BitConverter.SingleToInt32Bits(pair.First.Reward) == BitConverter.SingleToInt32Bits(pair.Second.Reward));
}
