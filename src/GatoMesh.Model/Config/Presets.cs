namespace GatoMesh.Model;

/// <summary>
/// Named model shapes. The paper presets copy GATO.md's table exactly (blocks, heads, width, FFN,
/// key/value size) with the paper's 32000-piece vocabulary; the small ones are ours:
/// gato-tiny for unit tests (a few hundred thousand parameters besides the token table) and
/// gato-small for the CPU demo and benchmarks (a few million, hundreds of agent steps per second on
/// 2 cores).
/// </summary>
public static class Presets
{
    public static readonly GatoConfig Tiny = new()
    {
        Preset = "gato-tiny", Layers = 2, Heads = 4, Width = 128, Ffn = 512, KvSize = 32,
        TextVocab = 1024, PatchChannels = 32, PatchNorm = true, Context = 256,
    };

    public static readonly GatoConfig Small = new()
    {
        Preset = "gato-small", Layers = 4, Heads = 4, Width = 256, Ffn = 1024, KvSize = 64,
        TextVocab = 4096, PatchChannels = 32, PatchNorm = true,
    };

    public static readonly GatoConfig Gato79M = new()
    {
        Preset = "gato-79m", Layers = 8, Heads = 24, Width = 768, Ffn = 3072, KvSize = 32,
        TextVocab = 32000, PatchChannels = 96, PatchNorm = true,
    };

    public static readonly GatoConfig Gato364M = new()
    {
        Preset = "gato-364m", Layers = 12, Heads = 12, Width = 1536, Ffn = 6144, KvSize = 128,
        TextVocab = 32000, PatchChannels = 128, PatchNorm = true,
    };

    public static readonly GatoConfig Gato118B = new()
    {
        Preset = "gato-1.18b", Layers = 24, Heads = 16, Width = 2048, Ffn = 8192, KvSize = 128,
        TextVocab = 32000, PatchChannels = 128, PatchNorm = true,
    };

    public static IReadOnlyList<GatoConfig> All { get; } = [Tiny, Small, Gato79M, Gato364M, Gato118B];

    public static GatoConfig Get(string name) =>
        All.FirstOrDefault(p => p.Preset == name)
        ?? throw new InvalidConfigException("preset", name, $"unknown; presets are {string.Join(", ", All.Select(p => p.Preset))}");
}
