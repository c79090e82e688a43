using System.Text.Json;

namespace GatoMesh.Tokens;

/// <summary>
/// Reads an <see cref="EmbodimentSpec"/> from JSON (schema in docs/TOKENS.md):
/// <code>
/// { "name": "arm",
///   "observation": { "camera": {"kind": "image", "shape": [64, 64, 3]},
///                    "robot": { "joints": {"kind": "continuous", "shape": [7]} },
///                    "instruction": {"kind": "text", "max_tokens": 32} },
///   "action": { "arm": {"kind": "continuous", "shape": [7]} } }
/// </code>
/// An object with a "kind" is a field; an object without one is a group of fields. Unknown
/// properties are errors, so a typo never silently changes the token layout.
/// </summary>
public static class SpecJsonReader
{
    public static EmbodimentSpec Load(string path)
    {
        if (!File.Exists(path))
            throw new SpecFormatException("spec", path, "file not found");
        return Parse(File.ReadAllText(path));
    }

    public static EmbodimentSpec Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SpecFormatException("spec", null, $"not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            RequireObject(root, "spec");
            foreach (var property in root.EnumerateObject())
                if (property.Name is not ("name" or "observation" or "action"))
                    throw new SpecFormatException(property.Name, null, "unknown property (expected name, observation, action)");
            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "unnamed";
            if (!root.TryGetProperty("observation", out var observation))
                throw new SpecFormatException("observation", null, "missing");
            if (!root.TryGetProperty("action", out var action))
                throw new SpecFormatException("action", null, "missing");
            var observationFields = new List<FieldSpec>();
            var actionFields = new List<FieldSpec>();
            ReadGroup(observation, "", "observation", observationFields);
            ReadGroup(action, "", "action", actionFields);
            return new EmbodimentSpec(name, observationFields, actionFields);
        }
    }

    static void ReadGroup(JsonElement group, string prefix, string part, List<FieldSpec> fields)
    {
        RequireObject(group, Path(part, prefix));
        foreach (var property in group.EnumerateObject())
        {
            if (property.Name.Length == 0 || property.Name.Contains('.'))
                throw new SpecFormatException(Path(part, prefix), property.Name, "keys must be non-empty and contain no '.'");
            var key = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            RequireObject(property.Value, Path(part, key));
            if (property.Value.TryGetProperty("kind", out _))
                fields.Add(ReadField(property.Value, key, part));
            else
                ReadGroup(property.Value, key, part, fields);
        }
    }

    static FieldSpec ReadField(JsonElement field, string key, string part)
    {
        var path = Path(part, key);
        var kind = field.GetProperty("kind").ValueKind == JsonValueKind.String ? field.GetProperty("kind").GetString() : null;
        string[] allowed = kind switch
        {
            "text" => ["kind", "max_tokens"],
            "image" => ["kind", "shape"],
            "continuous" => ["kind", "shape"],
            "discrete" => ["kind", "shape", "range"],
            _ => throw new SpecFormatException($"{path}.kind", field.GetProperty("kind").ToString(), "must be text, image, discrete or continuous"),
        };
        foreach (var property in field.EnumerateObject())
            if (!allowed.Contains(property.Name))
                throw new SpecFormatException($"{path}.{property.Name}", null, $"unknown property for a {kind} field (allowed: {string.Join(", ", allowed)})");
        switch (kind)
        {
            case "text":
                if (!field.TryGetProperty("max_tokens", out var max))
                    return Build(part, () => FieldSpec.Text(key));
                var maxTokens = ReadInt(max, $"{path}.max_tokens");
                return Build(part, () => FieldSpec.Text(key, maxTokens));
            case "image":
                var side = ReadInts(field, "shape", path);
                if (side.Length != 3)
                    throw new SpecFormatException($"{path}.shape", $"[{string.Join(",", side)}]", "an image's shape is [height, width, channels]");
                return Build(part, () => FieldSpec.Image(key, side[0], side[1], side[2]));
            case "continuous":
                var continuousShape = ReadInts(field, "shape", path);
                return Build(part, () => FieldSpec.Continuous(key, continuousShape));
            default:
                var shape = ReadInts(field, "shape", path);
                if (!field.TryGetProperty("range", out _))
                    return Build(part, () => FieldSpec.Discrete(key, shape));
                var range = ReadInts(field, "range", path);
                if (range.Length != 2)
                    throw new SpecFormatException($"{path}.range", $"[{string.Join(",", range)}]", "a range is [low, high), two integers");
                return Build(part, () => FieldSpec.Discrete(key, shape, range[0], range[1]));
        }
    }

    // FieldSpec names a field by its key; in a file the reader also names the part it lies in.
    static FieldSpec Build(string part, Func<FieldSpec> create)
    {
        try
        {
            return create();
        }
        catch (SpecFormatException e)
        {
            throw new SpecFormatException($"{part}.{e.Field}", e.Value, e.Problem);
        }
    }

    static int[] ReadInts(JsonElement field, string property, string path)
    {
        if (!field.TryGetProperty(property, out var list))
            throw new SpecFormatException($"{path}.{property}", null, "missing");
        if (list.ValueKind != JsonValueKind.Array)
            throw new SpecFormatException($"{path}.{property}", list.ToString(), "must be a list of integers");
        return list.EnumerateArray().Select((e, i) => ReadInt(e, $"{path}.{property}[{i}]")).ToArray();
    }

    static int ReadInt(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value)
            ? value
            : throw new SpecFormatException(path, element.ToString(), "must be an integer");

    static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new SpecFormatException(path, element.ToString(), "must be a JSON object");
    }

    static string Path(string part, string key) => key.Length == 0 ? part : $"{part}.{key}";
}
