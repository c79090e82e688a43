using System.Text.Json;
using System.Text.Json.Serialization;
using GatoMesh.Tokens;

namespace GatoMesh.Model;

/// <summary>
/// Shapes of a Gato model (GATO.md, "Model sizes"; ARCHITECTURE.md, "Token space"). Saved beside
/// every checkpoint as config.json; <see cref="Presets"/> holds the named ones.
/// </summary>
public sealed record GatoConfig
{
    public required string Preset { get; init; }
    /// <summary>Transformer blocks.</summary>
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    /// <summary>Embedding width (d_model).</summary>
    public required int Width { get; init; }
    /// <summary>Hidden size of the feed-forward layer.</summary>
    public required int Ffn { get; init; }
    /// <summary>Per-head key/value size (the paper's "key/value size"; Heads x KvSize need not equal Width).</summary>
    public required int KvSize { get; init; }
    /// <summary>SentencePiece vocabulary V: text ids are [0, V), continuous bins [V, V + 1024), separator V + 1024.</summary>
    public required int TextVocab { get; init; }
    /// <summary>Channels of the ResNet v2 patch-embedding block (a multiple of 32: GroupNorm uses 32 groups).</summary>
    public required int PatchChannels { get; init; }
    /// <summary>Context window in tokens.</summary>
    public int Context { get; init; } = 1024;
    /// <summary>Entries of the learned local observation position table (ARCHITECTURE.md: 512).</summary>
    public int LocalPositions { get; init; } = 512;
    /// <summary>Buckets of the patch row and column position tables (GATO.md: 128).</summary>
    public int PatchBuckets { get; init; } = 128;
    public int PatchSize { get; init; } = 16;
    public float Dropout { get; init; } = 0.1f;
    public float LayerNormEps { get; init; } = 1e-5f;
    /// <summary>Layer-normalize each patch embedding and scale it to the token table's initial scale (0.02 a
    /// dimension) before the patch positions are added (<see cref="PatchEmbedding"/>). Every preset sets it; a
    /// config.json without the field (checkpoints written before it existed) keeps the raw projection.</summary>
    public bool PatchNorm { get; init; }

    /// <summary>Discrete values and continuous bins each span 1024 ids (ARCHITECTURE.md).</summary>
    public const int Bins = 1024;

    [JsonIgnore] public int ContinuousBase => TextVocab;
    [JsonIgnore] public int SeparatorId => TextVocab + Bins;
    /// <summary>Rows of the token embedding table: text, continuous bins, separator.</summary>
    [JsonIgnore] public int VocabSize => TextVocab + Bins + 1;
    [JsonIgnore] public int AttentionWidth => Heads * KvSize;

    /// <summary>Checks every field, naming the first one out of range.</summary>
    public GatoConfig Validate()
    {
        Positive(Layers, nameof(Layers)); Positive(Heads, nameof(Heads)); Positive(Width, nameof(Width));
        Positive(Ffn, nameof(Ffn)); Positive(KvSize, nameof(KvSize)); Positive(Context, nameof(Context));
        Positive(LocalPositions, nameof(LocalPositions)); Positive(PatchBuckets, nameof(PatchBuckets));
        if (TextVocab < Bins)
            throw new InvalidConfigException(nameof(TextVocab), TextVocab, $"must be at least {Bins}: discrete values use ids [0, {Bins})");
        if (PatchChannels <= 0 || PatchChannels % 32 != 0)
            throw new InvalidConfigException(nameof(PatchChannels), PatchChannels, "must be a positive multiple of 32 (GroupNorm with 32 groups)");
        if (PatchSize != ImagePatcher.PatchSide)
            throw new InvalidConfigException(nameof(PatchSize), PatchSize, $"must be {ImagePatcher.PatchSide} (the token space's patch size)");
        if (Dropout is < 0 or >= 1)
            throw new InvalidConfigException(nameof(Dropout), Dropout, "must be in [0, 1)");
        return this;
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new InvalidConfigException(name, value, "must be positive");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static GatoConfig FromJson(string text)
    {
        try
        {
            return (JsonSerializer.Deserialize<GatoConfig>(text, JsonOptions) ?? throw new InvalidConfigException("config", "null", "empty JSON")).Validate();
        }
        catch (JsonException e)
        {
            throw new InvalidConfigException(e.Path ?? "config", text.Length > 80 ? text[..80] + "..." : text, e.Message);
        }
    }
}

/// <summary>A config field out of range, named.</summary>
public sealed class InvalidConfigException(string field, object? value, string reason)
    : Exception($"config field '{field}' = {value}: {reason}")
{
    public string Field { get; } = field;
}
