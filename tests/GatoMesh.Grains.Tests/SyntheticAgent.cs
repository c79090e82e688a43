using GatoMesh.Grains;

namespace GatoMesh.Grains.Tests;

/// <summary>A small embodiment with every observation kind (image, continuous, discrete) and a
/// continuous action, and deterministic observations per (seed, timestep), so two runs can be
/// compared step by step.</summary>
internal static class SyntheticAgent
{
    public const string SpecJson = """
        {
          "name": "synthetic-test",
          "observation": {
            "camera": { "kind": "image", "shape": [16, 16, 3] },
            "joints": { "kind": "continuous", "shape": [4] },
            "mode": { "kind": "discrete", "shape": [2], "range": [0, 8] }
          },
          "action": {
            "torque": { "kind": "continuous", "shape": [2] }
          }
        }
        """;

    /// <summary>Tokens one timestep takes: 1 patch + 4 + 2 + separator + 2 actions.</summary>
    public const int TimestepTokens = 10;

    public static Dictionary<string, FieldValue> Observation(int seed, long timestep)
    {
        var random = new Random(HashCode.Combine(seed, timestep));
        var pixels = new byte[16 * 16 * 3];
        random.NextBytes(pixels);
        return new Dictionary<string, FieldValue>
        {
            ["camera"] = FieldValue.OfImage(pixels, 16, 16),
            ["joints"] = FieldValue.OfContinuous([.. Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1))]),
            ["mode"] = FieldValue.OfDiscrete(random.Next(8), random.Next(8)),
        };
    }

    public static OpenSessionRequest Open(string fleet, float temperature = 0, ulong seed = 0) =>
        new() { Fleet = fleet, SpecJson = SpecJson, Temperature = temperature, Seed = seed };

    public static StepRequest Step(string fleet, long sequence, IReadOnlyDictionary<string, FieldValue> observation) =>
        new() { Fleet = fleet, Sequence = sequence, Observation = observation };
}
