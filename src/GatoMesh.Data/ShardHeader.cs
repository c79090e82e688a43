using System.Text.Json;
using System.Text.Json.Nodes;
using GatoMesh.Tokens;

namespace GatoMesh.Data;

/// <summary>What a shard holds: recorded episodes of one task under its spec, or captioned images
/// of one size. Stored as JSON at the start of the shard (docs/DATA.md) so a shard is readable
/// without the environment that wrote it.</summary>
public sealed class ShardHeader
{
    ShardHeader(string kind, string task, EmbodimentSpec? spec, int imageHeight, int imageWidth)
    {
        Kind = kind;
        Task = task;
        Spec = spec;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
    }

    public const string EpisodesKind = "episodes";
    public const string CaptionsKind = "captions";

    /// <summary>An episodes shard; <paramref name="modelVersion"/> names the model that acted in every one of its
    /// episodes (recorded fleet rollouts), null for the scripted experts' data.</summary>
    public static ShardHeader Episodes(string task, EmbodimentSpec spec, string? modelVersion = null) =>
        new(EpisodesKind, task, spec, 0, 0) { ModelVersion = modelVersion };

    public static ShardHeader Captions(string task, int imageHeight, int imageWidth) =>
        new(CaptionsKind, task, null, imageHeight, imageWidth);

    /// <summary><see cref="EpisodesKind"/> or <see cref="CaptionsKind"/>.</summary>
    public string Kind { get; }
    public string Task { get; }

    /// <summary>The spec of an episodes shard; null for captions.</summary>
    public EmbodimentSpec? Spec { get; }

    public int ImageHeight { get; }
    public int ImageWidth { get; }

    /// <summary>The model version whose actions a shard of recorded rollouts holds (optional; absent for expert data).
    /// One version a shard: a recorder starts a new shard when the served version changes (docs/DATA.md).</summary>
    public string? ModelVersion { get; private init; }

    internal string ToJson()
    {
        var json = new JsonObject { ["kind"] = Kind, ["task"] = Task };
        if (Spec is not null)
            json["spec"] = SpecJsonWriter.ToJson(Spec);
        if (ModelVersion is not null)
            json["model_version"] = ModelVersion;
        else
            json["image"] = new JsonArray(ImageHeight, ImageWidth, 3);
        return json.ToJsonString();
    }

    /// <summary>Parses a header; any problem is a <see cref="FormatException"/> the reader turns
    /// into a <see cref="ShardCorruptException"/>.</summary>
    internal static ShardHeader Parse(string text)
    {
        try
        {
            var json = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("the header is not a JSON object");
            var kind = (string?)json["kind"] ?? throw new FormatException("the header has no kind");
            var task = (string?)json["task"] ?? throw new FormatException("the header has no task");
            return kind switch
            {
                EpisodesKind => Episodes(task, SpecJsonReader.Parse(json["spec"]?.ToJsonString() ?? throw new FormatException("an episodes header needs a spec")),
                    (string?)json["model_version"]),
                CaptionsKind => Captions(task, (int)json["image"]![0]!, (int)json["image"]![1]!),
                _ => throw new FormatException($"unknown kind {kind}"),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or TokenSpaceException)
        {
            throw new FormatException(e.Message);
        }
    }
}
