namespace GatoMesh.Tokens;

/// <summary>
/// The values of one timestep's action, by dotted key: continuous fields as floats, discrete fields
/// as integers, row-major. Produced by <see cref="ActionDecoder"/> and consumed by
/// <see cref="TimestepEncoder"/> (training data, and the session appending the action it took).
/// </summary>
public sealed class ActionValues
{
    readonly Dictionary<string, object> values = new(StringComparer.Ordinal);

    public ActionValues SetContinuous(string key, float[] values) => Set(key, values);
    public ActionValues SetDiscrete(string key, int[] values) => Set(key, values);

    public int Count => values.Count;
    public IEnumerable<string> Keys => values.Keys;

    public float[] GetContinuous(string key) => Get<float[]>(key);
    public int[] GetDiscrete(string key) => Get<int[]>(key);

    internal bool TryGet(string key, out object value) => values.TryGetValue(key, out value!);

    T Get<T>(string key) where T : class => values.TryGetValue(key, out var value)
        ? value as T ?? throw new InvalidValueException(key, value.GetType().Name, $"is not a {typeof(T).Name}")
        : throw new MissingFieldException(key);

    ActionValues Set(string key, object value)
    {
        values[key] = value;
        return this;
    }
}
