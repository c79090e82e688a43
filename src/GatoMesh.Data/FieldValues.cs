using GatoMesh.Tokens;

namespace GatoMesh.Data;

/// <summary>
/// The raw values of one observation or action, by field key: text as a string, images as uint8
/// HWC bytes, continuous tensors as floats, discrete tensors as integers. Unlike
/// <see cref="Observation"/> (which only the encoder reads) these values can be written to a shard,
/// compared and read back; <see cref="ToObservation"/> and <see cref="ToAction"/> hand them to the
/// token space without copying.
/// </summary>
public sealed class FieldValues
{
    readonly Dictionary<string, object> values = new(StringComparer.Ordinal);

    public FieldValues SetText(string key, string text) => Set(key, text);
    public FieldValues SetImage(string key, byte[] hwc) => Set(key, hwc);
    public FieldValues SetContinuous(string key, float[] values) => Set(key, values);
    public FieldValues SetDiscrete(string key, int[] values) => Set(key, values);

    public IEnumerable<string> Keys => values.Keys;

    public string GetText(string key) => Get<string>(key);
    public byte[] GetImage(string key) => Get<byte[]>(key);
    public float[] GetContinuous(string key) => Get<float[]>(key);
    public int[] GetDiscrete(string key) => Get<int[]>(key);

    /// <summary>The values as the token space's observation of <paramref name="spec"/>.</summary>
    public Observation ToObservation(EmbodimentSpec spec)
    {
        var observation = new Observation();
        foreach (var field in spec.Observation)
            _ = field.Kind switch
            {
                FieldKind.Text => observation.SetText(field.Key, GetText(field.Key)),
                FieldKind.Image => observation.SetImage(field.Key, ImageValue.FromHwc(GetImage(field.Key), field.Shape[0], field.Shape[1], field.Shape[2])),
                FieldKind.Continuous => observation.SetContinuous(field.Key, GetContinuous(field.Key)),
                _ => observation.SetDiscrete(field.Key, GetDiscrete(field.Key)),
            };
        return observation;
    }

    /// <summary>The values as the token space's action of <paramref name="spec"/>.</summary>
    public ActionValues ToAction(EmbodimentSpec spec)
    {
        var action = new ActionValues();
        foreach (var field in spec.Action)
            _ = field.Kind == FieldKind.Continuous
                ? action.SetContinuous(field.Key, GetContinuous(field.Key))
                : action.SetDiscrete(field.Key, GetDiscrete(field.Key));
        return action;
    }

    /// <summary>The action fields of <paramref name="spec"/> taken from a token-space action.</summary>
    public static FieldValues FromAction(EmbodimentSpec spec, ActionValues action)
    {
        var values = new FieldValues();
        foreach (var field in spec.Action)
            _ = field.Kind == FieldKind.Continuous
                ? values.SetContinuous(field.Key, action.GetContinuous(field.Key))
                : values.SetDiscrete(field.Key, action.GetDiscrete(field.Key));
        return values;
    }

    /// <summary>Same keys and bit-identical values (floats compared by their bits, so NaN never
    /// hides a difference).</summary>
    public bool SameAs(FieldValues other)
    {
        if (values.Count != other.values.Count)
            return false;
        foreach (var (key, value) in values)
        {
            if (!other.values.TryGetValue(key, out var theirs))
                return false;
            var same = (value, theirs) switch
            {
                (string a, string b) => a == b,
                (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
                (float[] a, float[] b) => System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(a)
                    .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(b)),
                (int[] a, int[] b) => a.AsSpan().SequenceEqual(b),
                _ => false,
            };
            if (!same)
                return false;
        }
        return true;
    }

    T Get<T>(string key) where T : class => values.TryGetValue(key, out var value)
        ? value as T ?? throw new InvalidValueException(key, value.GetType().Name, $"is not a {typeof(T).Name}")
        : throw new Tokens.MissingFieldException(key);

    FieldValues Set(string key, object value)
    {
        values[key] = value;
        return this;
    }
}
