using GatoMesh.Tokens;

namespace GatoMesh.Grains.Serving;

/// <summary>Between the wire's <see cref="FieldValue"/> maps and the token space's values, checked
/// against the spec: every field present, of the spec's kind, no field the spec does not name.
/// Shapes, ranges and NaN are the encoder's to check (it names the field too).</summary>
internal static class FieldValueConversion
{
    public static Observation ToObservation(EmbodimentSpec spec, IReadOnlyDictionary<string, FieldValue> values, string field)
    {
        if (values is null) throw new FieldError(field, "is missing");
        var observation = new Observation();
        foreach (var fieldSpec in spec.Observation)
        {
            if (!values.TryGetValue(fieldSpec.Key, out var value) || value is null)
                throw new FieldError($"{field}.{fieldSpec.Key}", $"is missing (the spec '{spec.Name}' requires it)");
            var name = $"{field}.{fieldSpec.Key}";
            if (value.KindsSet != 1) throw new FieldError(name, "must hold exactly one of text, image, continuous, discrete");
            _ = fieldSpec.Kind switch
            {
                FieldKind.Text => observation.SetText(fieldSpec.Key, value.Text ?? throw WrongKind(name, fieldSpec.Kind)),
                FieldKind.Image => value.Image is { } image
                    ? observation.SetImage(fieldSpec.Key, ImageValue.FromHwc(image.Pixels ?? throw new FieldError(name, "image has no pixels"), image.Height, image.Width, image.Channels))
                    : throw WrongKind(name, fieldSpec.Kind),
                FieldKind.Continuous => observation.SetContinuous(fieldSpec.Key, value.Continuous ?? throw WrongKind(name, fieldSpec.Kind)),
                _ => observation.SetDiscrete(fieldSpec.Key, value.Discrete ?? throw WrongKind(name, fieldSpec.Kind)),
            };
        }
        RejectUnknown(values.Keys, key => spec.TryGetObservationField(key, out _), field, spec);
        return observation;
    }

    public static ActionValues ToAction(EmbodimentSpec spec, IReadOnlyDictionary<string, FieldValue> values, string field)
    {
        if (values is null) throw new FieldError(field, "is missing");
        var action = new ActionValues();
        foreach (var fieldSpec in spec.Action)
        {
            var name = $"{field}.{fieldSpec.Key}";
            if (!values.TryGetValue(fieldSpec.Key, out var value) || value is null)
                throw new FieldError(name, $"is missing (the spec '{spec.Name}' requires it)");
            _ = fieldSpec.Kind == FieldKind.Continuous
                ? action.SetContinuous(fieldSpec.Key, value.Continuous ?? throw WrongKind(name, fieldSpec.Kind))
                : action.SetDiscrete(fieldSpec.Key, value.Discrete ?? throw WrongKind(name, fieldSpec.Kind));
        }
        RejectUnknown(values.Keys, key => spec.TryGetActionField(key, out _), field, spec);
        return action;
    }

    public static Dictionary<string, FieldValue> FromAction(EmbodimentSpec spec, ActionValues action)
    {
        var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (var field in spec.Action)
            values[field.Key] = field.Kind == FieldKind.Continuous
                ? FieldValue.OfContinuous(action.GetContinuous(field.Key))
                : FieldValue.OfDiscrete(action.GetDiscrete(field.Key));
        return values;
    }

    private static void RejectUnknown(IEnumerable<string> keys, Func<string, bool> known, string field, EmbodimentSpec spec)
    {
        foreach (var key in keys)
            if (!known(key)) throw new FieldError($"{field}.{key}", $"is not a field of the spec '{spec.Name}'");
    }

    private static FieldError WrongKind(string field, FieldKind kind) => new(field, $"must be a {kind.ToString().ToLowerInvariant()} value (the spec's kind)");
}

/// <summary>A request field the session refuses, before anything changed.</summary>
internal sealed class FieldError(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
