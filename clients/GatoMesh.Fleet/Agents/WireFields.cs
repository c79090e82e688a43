using GatoMesh.Data;
using GatoMesh.Grains;
using GatoMesh.Tokens;

namespace GatoMesh.Fleet;

/// <summary>Moves values between an environment (<see cref="FieldValues"/>, <see cref="ActionValues"/>)
/// and the serving contracts (<see cref="FieldValue"/> by key), field by field as the spec lists them.</summary>
public static class WireFields
{
    public static IReadOnlyDictionary<string, FieldValue> Observation(EmbodimentSpec spec, FieldValues values)
    {
        var fields = new Dictionary<string, FieldValue>(spec.Observation.Count, StringComparer.Ordinal);
        foreach (var field in spec.Observation)
            fields[field.Key] = field.Kind switch
            {
                FieldKind.Text => FieldValue.OfText(values.GetText(field.Key)),
                FieldKind.Image => FieldValue.OfImage(values.GetImage(field.Key), field.Shape[0], field.Shape[1], field.Shape[2]),
                FieldKind.Continuous => FieldValue.OfContinuous(values.GetContinuous(field.Key)),
                _ => FieldValue.OfDiscrete(values.GetDiscrete(field.Key)),
            };
        return fields;
    }

    /// <summary>The action of a step reply as the environment takes it; a field the reply lacks or
    /// holds as the wrong kind is an error naming <c>action.KEY</c>.</summary>
    public static ActionValues Action(EmbodimentSpec spec, IReadOnlyDictionary<string, FieldValue> action)
    {
        var values = new ActionValues();
        foreach (var field in spec.Action)
        {
            if (!action.TryGetValue(field.Key, out var value))
                throw new Tokens.MissingFieldException($"action.{field.Key}");
            _ = field.Kind == FieldKind.Continuous
                ? values.SetContinuous(field.Key, value.Continuous ?? throw WrongKind(field))
                : values.SetDiscrete(field.Key, value.Discrete ?? throw WrongKind(field));
        }
        return values;
    }

    static InvalidValueException WrongKind(FieldSpec field) =>
        new($"action.{field.Key}", null, $"the reply does not hold it as {field.Kind.ToString().ToLowerInvariant()} values");
}
