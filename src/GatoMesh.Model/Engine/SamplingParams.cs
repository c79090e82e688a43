namespace GatoMesh.Model.Engine;

/// <summary>
/// How an action token is chosen from its restricted logits: greedy (temperature 0) or a draw at
/// <see cref="Temperature"/> from a stream seeded per sequence. The draw for action token k of
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

    public static SamplingParams WithTemperature(float temperature, ulong seed) => new() { Temperature = temperature, Seed = seed };
}
