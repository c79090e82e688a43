using System.Globalization;
using System.Text.Json;

namespace GatoMesh.Tokens;

/// <summary>
/// Reads observations and actions from JSON, guided by the spec (format in docs/TOKENS.md): nested
/// objects mirror the spec's groups; text is a string; an image is nested [height][width][channel]
/// integers 0..255; a tensor is a number or nested lists of numbers, row-major, whose nesting gives
/// its shape. JSON has no NaN or infinity, so the strings "NaN", "Infinity" and "-Infinity" stand for
/// them, and reach the encoder, which rejects them by name.
/// </summary>
public static class ValueJsonReader
{
    public static Observation ReadObservation(string json, EmbodimentSpec spec)
    {
        using var document = Parse(json, "observation");
        var observation = new Observation();
        Walk(document.RootElement, "", "observation", spec.Observation, (field, element) =>
        {
            switch (field.Kind)
            {
                case FieldKind.Text:
                    if (element.ValueKind != JsonValueKind.String)
                        throw new InvalidValueException(field.Key, element.ToString(), "a text field needs a JSON string");
                    observation.SetText(field.Key, element.GetString()!);
                    break;
                case FieldKind.Image:
                    var (pixels, imageShape) = ReadTensor(element, field.Key, ReadPixel);
                    if (imageShape.Length != 3)
                        throw new ShapeMismatchException(field.Key, Shape(imageShape), "[height][width][channel] nesting");
                    observation.SetImage(field.Key, ImageValue.FromHwc(pixels.Select(p => (byte)p).ToArray(), imageShape[0], imageShape[1], imageShape[2]));
                    break;
                case FieldKind.Continuous:
                    var (floats, floatShape) = ReadTensor(element, field.Key, ReadFloat);
                    observation.SetContinuous(field.Key, floats, floatShape.Length == 0 ? null : floatShape);
                    break;
                default:
                    var (ints, intShape) = ReadTensor(element, field.Key, ReadInt);
                    observation.SetDiscrete(field.Key, ints, intShape.Length == 0 ? null : intShape);
                    break;
            }
        });
        return observation;
    }

    public static ActionValues ReadAction(string json, EmbodimentSpec spec)
    {
        using var document = Parse(json, "action");
        var action = new ActionValues();
        Walk(document.RootElement, "", "action", spec.Action, (field, element) =>
        {
            var name = $"action.{field.Key}";
            if (field.Kind == FieldKind.Continuous)
                action.SetContinuous(field.Key, ReadTensor(element, name, ReadFloat).Values);
            else
                action.SetDiscrete(field.Key, ReadTensor(element, name, ReadInt).Values);
        });
        return action;
    }

    static JsonDocument Parse(string json, string part)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidValueException(part, null, $"not valid JSON: {e.Message}");
        }
    }

    static void Walk(JsonElement group, string prefix, string part, IReadOnlyList<FieldSpec> fields, Action<FieldSpec, JsonElement> read)
    {
        var name = prefix.Length == 0 ? part : prefix;
        if (group.ValueKind != JsonValueKind.Object)
            throw new InvalidValueException(name, group.ToString(), "must be a JSON object of fields");
        foreach (var property in group.EnumerateObject())
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            var field = fields.FirstOrDefault(f => f.Key == key);
            if (field is not null)
                read(field, property.Value);
            else if (fields.Any(f => f.Key.StartsWith(key + ".", StringComparison.Ordinal)))
                Walk(property.Value, key, part, fields, read);
            else
                throw new UnknownFieldException(part == "action" ? $"action.{key}" : key, string.Join(", ", fields.Select(f => f.Key)));
        }
    }

    /// <summary>Flattens nested lists row-major and infers their shape; ragged nesting is an error.</summary>
    static (T[] Values, int[] Shape) ReadTensor<T>(JsonElement element, string name, Func<JsonElement, string, T> readScalar)
    {
        var shape = new List<int>();
        for (var e = element; e.ValueKind == JsonValueKind.Array; e = e.GetArrayLength() > 0 ? e[0] : default)
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0)
                break;
        }
        var values = new List<T>();
        Flatten(element, 0, shape, name, values, readScalar);
        return (values.ToArray(), shape.ToArray());
    }

    static void Flatten<T>(JsonElement element, int depth, List<int> shape, string name, List<T> values, Func<JsonElement, string, T> readScalar)
    {
        if (depth == shape.Count)
        {
            if (element.ValueKind == JsonValueKind.Array)
                throw new ShapeMismatchException(name, "ragged nesting", Shape(shape));
            values.Add(readScalar(element, $"{name}[{values.Count}]"));
            return;
        }
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
            throw new ShapeMismatchException(name, "ragged nesting", Shape(shape));
        foreach (var item in element.EnumerateArray())
            Flatten(item, depth + 1, shape, name, values, readScalar);
    }

    static float ReadFloat(JsonElement element, string name) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetSingle(),
        JsonValueKind.String when element.GetString() is "NaN" or "Infinity" or "-Infinity" =>
            float.Parse(element.GetString()!, CultureInfo.InvariantCulture),
        _ => throw new InvalidValueException(name, element.ToString(), "must be a number (or \"NaN\", \"Infinity\", \"-Infinity\")"),
    };

    static int ReadInt(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value)
            ? value
            : throw new InvalidValueException(name, element.ToString(), "must be an integer");

    static int ReadPixel(JsonElement element, string name)
    {
        var value = ReadInt(element, name);
        return value is >= 0 and <= 255 ? value : throw new InvalidValueException(name, value.ToString(), "pixels must lie in [0, 255]");
    }

    static string Shape(IEnumerable<int> shape) => $"[{string.Join(",", shape)}]";
}
