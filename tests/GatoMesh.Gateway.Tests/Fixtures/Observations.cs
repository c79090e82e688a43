using GatoMesh.Client;
using GatoMesh.Data;
using GatoMesh.Protos.V1;
using GatoMesh.Tokens;
using Google.Protobuf.Collections;

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

    public static EmbodimentSpec Spec { get; } = SpecJsonReader.Parse(SpecJson);

    /// <summary>Observation <paramref name="step"/> of agent <paramref name="agent"/>: the same
    /// arguments always give the same values.</summary>
    public static FieldValues For(int agent, int step)
    {
        var random = new Random(agent * 7919 + step);
        var pixels = new byte[16 * 16 * 3];
        random.NextBytes(pixels);
        return new FieldValues()
            .SetImage("camera", pixels)
            .SetContinuous("joints", [.. Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1))])
            .SetDiscrete("buttons", [random.Next(8), random.Next(8)]);
    }

    /// <summary>The same observation as the wire carries it (what a raw socket sends).</summary>
    public static MapField<string, Field> Wire(int agent, int step)
    {
        var wire = new MapField<string, Field>();
        WireValues.ToWire(Spec, For(agent, step), wire);
        return wire;
    }
}
