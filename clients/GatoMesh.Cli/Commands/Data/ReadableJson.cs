using System.Text.Encodings.Web;
using System.Text.Json;

namespace GatoMesh.Cli;

/// <summary>JSON output that keeps '+', quotes and paths as they are: it goes to terminals and
/// scripts, never into HTML.</summary>
internal static class ReadableJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
