using GatoMesh.Grains;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>The embodiment the session tests use (image, continuous and discrete observations, a
/// continuous action; no text, so no tokenizer model is needed) and seeded observations for it.</summary>
internal static class Observations
{
    public const string SpecJson = """
        {
          "name": "gateway-test",
          "observation": {
            "camera": { "kind": "image", "shape": [16, 16, 3] },
            "joints": { "kind": "continuous", "shape": [4] },
            "buttons": { "kind": "discrete", "shape": [2], "range": [0, 8] }
          },
          "action": {
            "torque": { "kind": "continuous", "shape": [2] }
          }
        }
        """;

    /// <summary>Observation <paramref name="step"/> of agent <paramref name="agent"/>: the same
    /// arguments always give the same values.</summary>
    public static Dictionary<string, FieldValue> For(int agent, int step)
    {
        var random = new Random(agent * 7919 + step);
        var pixels = new byte[16 * 16 * 3];
        random.NextBytes(pixels);
        return new Dictionary<string, FieldValue>
        {
            ["camera"] = FieldValue.OfImage(pixels, 16, 16, 3),
            ["joints"] = FieldValue.OfContinuous([.. Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1))]),
            ["buttons"] = FieldValue.OfDiscrete(random.Next(8), random.Next(8)),
        };
    }
}
