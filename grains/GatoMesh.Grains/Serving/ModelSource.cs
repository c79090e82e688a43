using GatoMesh.Model;

namespace GatoMesh.Grains.Serving;

/// <summary>The model a silo serves before anything is deployed: a preset with seeded random weights
/// (the embedded default: gato-tiny, seed 0) or a checkpoint directory.</summary>
public sealed record ModelSource
{
    private ModelSource(string? preset, ulong seed, string? checkpoint)
    {
        Preset = preset;
        Seed = seed;
        Checkpoint = checkpoint;
    }

    public string? Preset { get; }
    public ulong Seed { get; }
    public string? Checkpoint { get; }

    public static ModelSource FromPreset(string preset, ulong seed = 0)
    {
        Presets.Get(preset);
        return new ModelSource(preset, seed, null);
    }

    public static ModelSource FromCheckpoint(string directory) => new(null, 0, Path.GetFullPath(directory));

    public static ModelSource Default { get; } = FromPreset(Presets.Tiny.Preset);

    /// <summary>What replies name while this startup model serves (revision 0).</summary>
    public string VersionId => Checkpoint is null ? $"{Preset}-seed{Seed}" : $"{Path.GetFileName(Checkpoint.TrimEnd('/'))}@0";

    public override string ToString() => Checkpoint ?? $"{Preset} (seed {Seed})";
}
