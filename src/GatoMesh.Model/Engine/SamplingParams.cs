namespace GatoMesh.Model.Engine;

/// <summary>
/// How an action token is chosen from its restricted logits. A discrete token is greedy (temperature
/// 0: argmax) or a draw at <see cref="Temperature"/> from a stream seeded per sequence. A continuous
/// token (a <see cref="TokenRange.Continuous"/> range) is by default the expected value of the model's
/// distribution over the bins, at any temperature, quantized back to its bin; with
/// <see cref="ContinuousAsTokens"/> it is chosen like a discrete token. The draw for action token k of
/// timestep t depends only on (<see cref="Seed"/>, t, k), never on batch composition or on how many
/// draws came before, so a sequence recomputed after eviction draws the same numbers
/// (ARCHITECTURE.md, "Serving path": the action is the same as without the loss).
/// </summary>
public sealed record SamplingParams
{
    public static SamplingParams Greedy { get; } = new();

    /// <summary>0 means greedy (argmax); otherwise logits are divided by it before the softmax.</summary>
    public float Temperature { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Decode continuous action tokens like discrete ones (the most likely bin, or a draw at
    /// <see cref="Temperature"/>) instead of the expected value (docs/ENGINE.md, "Sampling").</summary>
    public bool ContinuousAsTokens { get; init; }

    public static SamplingParams WithTemperature(float temperature, ulong seed) => new() { Temperature = temperature, Seed = seed };
}
