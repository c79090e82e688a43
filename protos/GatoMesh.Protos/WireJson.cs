using Google.Protobuf;

namespace GatoMesh.Protos;

/// <summary>The JSON variant of the protocol (text frames): protobuf's canonical JSON mapping
/// (lowerCamelCase names, 64-bit integers as strings, bytes as base64). Both ends use these settings so
/// a reply written by the gateway reads back field for field.</summary>
public static class WireJson
{
    /// <summary>Default values are written too, so a person reading a frame sees every field
    /// (e.g. <c>"sequence": "0"</c>, <c>"recomputed": false</c>).</summary>
    public static JsonFormatter Formatter { get; } = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>Unknown fields are skipped: a newer peer's additions (proto compatibility rules) do not
    /// make a frame unreadable.</summary>
    public static JsonParser Parser { get; } = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
}
