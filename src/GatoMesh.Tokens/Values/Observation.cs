namespace GatoMesh.Tokens;

/// <summary>
/// The values of one timestep's observation, by dotted key (<c>robot.joints</c>). Holds the
/// caller's arrays without copying; everything is checked against the spec when the timestep is
/// encoded (<see cref="TimestepEncoder"/>). A tensor's shape is optional: without one only its
/// element count is checked.
/// </summary>
public sealed class Observation
{
    readonly Dictionary<string, object> values = new(StringComparer.Ordinal);

    public Observation SetText(string key, string text) => Set(key, text);
    public Observation SetImage(string key, ImageValue image) => Set(key, image);
    public Observation SetContinuous(string key, float[] values, int[]? shape = null) => Set(key, new TensorValue<float>(values, shape));
    public Observation SetDiscrete(string key, int[] values, int[]? shape = null) => Set(key, new TensorValue<int>(values, shape));

    public int Count => values.Count;
    public IEnumerable<string> Keys => values.Keys;

    internal bool TryGet(string key, out object value) => values.TryGetValue(key, out value!);

    Observation Set(string key, object value)
    {
        values[key] = value;
        return this;
    }
}

/// <summary>A row-major tensor and, when the caller gave it, its shape.</summary>
internal sealed record TensorValue<T>(T[] Data, int[]? Shape);
