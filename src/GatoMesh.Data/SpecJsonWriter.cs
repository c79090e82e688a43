using System.Text.Json.Nodes;
using GatoMesh.Tokens;

namespace GatoMesh.Data;

/// <summary>
/// Writes an <see cref="EmbodimentSpec"/> in the JSON schema <see cref="SpecJsonReader"/> reads
/// (docs/TOKENS.md, "Spec files"), so a shard carries its own spec and a reader needs no
/// environment code. Dotted keys become nested groups.
/// </summary>
public static class SpecJsonWriter
{
    public static JsonObject ToJson(EmbodimentSpec spec) => new()
    {
        ["name"] = spec.Name,
        ["observation"] = Fields(spec.Observation),
        ["action"] = Fields(spec.Action),
    };

    static JsonObject Fields(IEnumerable<FieldSpec> fields)
    {
        var root = new JsonObject();
        foreach (var field in fields)
        {
            var segments = field.Key.Split('.');
            var group = root;
            foreach (var segment in segments[..^1])
            {
                if (group[segment] is not JsonObject inner)
                    group[segment] = inner = new JsonObject();
                group = inner;
            }
            group[segments[^1]] = Field(field);
        }
        return root;
    }

    static JsonObject Field(FieldSpec field)
    {
        var json = new JsonObject { ["kind"] = field.Kind.ToString().ToLowerInvariant() };
        if (field.Kind == FieldKind.Text)
            json["max_tokens"] = field.MaxTokens;
        else
            json["shape"] = new JsonArray(field.Shape.Select(side => (JsonNode)side).ToArray());
        if (field.Kind == FieldKind.Discrete)
            json["range"] = new JsonArray(field.Low, field.High);
        return json;
    }
}
