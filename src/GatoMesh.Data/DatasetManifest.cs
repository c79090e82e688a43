using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GatoMesh.Data;

/// <summary>
/// <c>manifest.json</c> of a data directory (docs/DATA.md): per task its shards, how many
/// episodes were generated and kept, the expert and random returns under the paper's rule (cached
/// here so evaluation never recomputes them), and the filter; the captions' shards; the text
/// model. Paths are relative to the directory.
/// </summary>
public sealed record DatasetManifest
{
    public const string FileName = "manifest.json";
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public double FilterFraction { get; init; }
    /// <summary>Probability that a recorded action is the random policy's (0: the expert as it is).</summary>
    public double ExpertNoise { get; init; }
    /// <summary>With noise, what a noisy step recorded: "taken" (the random action; also when absent) or
    /// "expert" (the expert's action for the observation, the random one executed).</summary>
    public string? NoiseLabels { get; init; }
    public string? TextModel { get; init; }
    public int TextVocabSize { get; init; }
    public List<TaskEntry> Tasks { get; init; } = [];
    public CaptionEntry? Captions { get; init; }

    public sealed record TaskEntry(
        string Name,
        string Description,
        List<string> Shards,
        int EpisodesGenerated,
        int EpisodesKept,
        ulong FirstSeed,
        double ExpertReturn,
        double RandomReturn,
        int RandomEpisodes,
        double Threshold);

    public sealed record CaptionEntry(string Name, List<string> Shards, int Samples, ulong FirstSeed);

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Descriptions hold '+' and quotes; keep the file readable (it is never embedded in HTML).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static DatasetManifest? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            var manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(path), Options)
                ?? throw new ManifestException(path, "empty manifest");
            return manifest.Version == CurrentVersion
                ? manifest
                : throw new ManifestException(path, $"version {manifest.Version}, this reader knows {CurrentVersion}");
        }
        catch (JsonException e)
        {
            throw new ManifestException(path, e.Message);
        }
    }

    /// <summary>Writes to a temporary file and renames it, so a reader never sees half a manifest.</summary>
    public void Save(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Options));
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>A manifest that cannot be read, naming the file.</summary>
public sealed class ManifestException(string path, string problem) : Exception($"{path}: {problem}");
