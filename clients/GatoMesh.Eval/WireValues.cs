using GatoMesh.Data;
using GatoMesh.Grains;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>
/// Between an environment's values (<see cref="FieldValues"/>, <see cref="ActionValues"/>) and the
/// serving contract's <see cref="FieldValue"/> maps, field by field in the spec's order. An
/// observation goes out with exactly the spec's fields (so the session encodes what training
/// encoded from the same values); an action comes back checked against the spec: every field
/// present, of the spec's kind and element count, nothing extra. A violation is an
/// <see cref="InvalidValueException"/> naming the field.
/// </summary>
public static class WireValues
{
    public static Dictionary<string, FieldValue> FromObservation(EmbodimentSpec spec, FieldValues values)
    {
        var wire = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (var field in spec.Observation)
            wire[field.Key] = field.Kind switch
            {
                FieldKind.Text => FieldValue.OfText(values.GetText(field.Key)),
                FieldKind.Image => FieldValue.OfImage(values.GetImage(field.Key), field.Shape[0], field.Shape[1], field.Shape[2]),
                FieldKind.Continuous => FieldValue.OfContinuous(values.GetContinuous(field.Key)),
                _ => FieldValue.OfDiscrete(values.GetDiscrete(field.Key)),
            };
        return wire;
    }

    /// <summary>The observation a wire map carries, as an environment would have produced it.</summary>
    public static FieldValues ToObservation(EmbodimentSpec spec, IReadOnlyDictionary<string, FieldValue> wire)
    {
        Reject(spec.Observation, wire, "observation");
        var values = new FieldValues();
        foreach (var field in spec.Observation)
        {
            var value = Required(wire, field.Key, $"observation.{field.Key}");
            _ = field.Kind switch
            {
                FieldKind.Text => values.SetText(field.Key, value.Text ?? throw WrongKind(field, $"observation.{field.Key}")),
                FieldKind.Image => values.SetImage(field.Key, value.Image is { } image && image.Height == field.Shape[0]
                        && image.Width == field.Shape[1] && image.Channels == field.Shape[2]
                        && image.Pixels.Length == field.ElementCount
                    ? image.Pixels
                    : throw new ShapeMismatchException($"observation.{field.Key}", value.Image is { } i ? $"{i.Height}x{i.Width}x{i.Channels}" : "no image",
                        $"{field.Shape[0]}x{field.Shape[1]}x{field.Shape[2]}")),
                FieldKind.Continuous => values.SetContinuous(field.Key, Counted(value.Continuous, field, $"observation.{field.Key}")),
                _ => values.SetDiscrete(field.Key, Counted(value.Discrete, field, $"observation.{field.Key}")),
            };
        }
        return values;
    }

    public static Dictionary<string, FieldValue> FromAction(EmbodimentSpec spec, ActionValues action)
    {
        var wire = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (var field in spec.Action)
            wire[field.Key] = field.Kind == FieldKind.Continuous
                ? FieldValue.OfContinuous(action.GetContinuous(field.Key))
                : FieldValue.OfDiscrete(action.GetDiscrete(field.Key));
        return wire;
    }

    /// <summary>The action a session replied with, as the environment takes it.</summary>
    public static ActionValues ToAction(EmbodimentSpec spec, IReadOnlyDictionary<string, FieldValue> wire)
    {
        Reject(spec.Action, wire, "action");
        var action = new ActionValues();
        foreach (var field in spec.Action)
        {
            var name = $"action.{field.Key}";
            var value = Required(wire, field.Key, name);
            _ = field.Kind == FieldKind.Continuous
                ? action.SetContinuous(field.Key, Counted(value.Continuous, field, name))
                : action.SetDiscrete(field.Key, Counted(value.Discrete, field, name));
        }
        return action;
    }

    static FieldValue Required(IReadOnlyDictionary<string, FieldValue> wire, string key, string name) =>
        wire.TryGetValue(key, out var value) && value is not null
            ? value.KindsSet == 1 ? value : throw new InvalidValueException(name, $"{value.KindsSet} kinds", "must hold exactly one of text, image, continuous, discrete")
            : throw new Tokens.MissingFieldException(name);

    static T[] Counted<T>(T[]? values, FieldSpec field, string name) =>
        values is null ? throw WrongKind(field, name)
        : values.Length == field.ElementCount ? values
        : throw new ShapeMismatchException(name, $"{values.Length} values", $"[{string.Join(",", field.Shape)}] = {field.ElementCount} values");

    static InvalidValueException WrongKind(FieldSpec field, string name) =>
        new(name, null, $"must be a {field.Kind.ToString().ToLowerInvariant()} value (the spec's kind)");

    static void Reject(IReadOnlyList<FieldSpec> fields, IReadOnlyDictionary<string, FieldValue> wire, string part)
    {
        foreach (var key in wire.Keys)
            if (!fields.Any(f => f.Key == key))
                throw new UnknownFieldException($"{part}.{key}", string.Join(", ", fields.Select(f => f.Key)));
    }
}
