namespace GatoMesh.Envs;

/// <summary>What <see cref="DatasetGenerator"/> produces (docs/DATA.md).</summary>
public sealed record GenerationOptions
{
    /// <summary>Task names from <see cref="TaskCatalog"/>, and/or <see cref="CaptionedScenes.Task"/>.</summary>
    public required IReadOnlyList<string> Tasks { get; init; }

    /// <summary>Expert episodes generated per task (before the filter), or captions generated.</summary>
    public required int Episodes { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>Episodes are kept when their return is at least this fraction of the expert return
    /// (paper section 3: 80%).</summary>
    public double FilterFraction { get; init; } = 0.8;

    /// <summary>Probability that a recorded step's action is the random policy's instead of the
    /// expert's (docs/DATA.md, "Expert noise"). 0 records the scripted expert as it is: its actions
    /// change so rarely that a model learns to repeat its last action instead of reading the
    /// observation. The expert and random returns are always measured without noise.</summary>
    public double ExpertNoise { get; init; }

    /// <summary>What a noisy step records (docs/DATA.md, "Expert noise"): <see cref="NoiseLabels.Taken"/>
    /// the random action the environment received, <see cref="NoiseLabels.Expert"/> the expert's action for
    /// that observation while the random one is executed (DART: the data visits states off the expert's
    /// path and labels each with the expert's correction).</summary>
    public NoiseLabels NoiseLabels { get; init; } = NoiseLabels.Taken;

    /// <summary>Random-policy episodes for the random return.</summary>
    public int RandomEpisodes { get; init; } = 100;

    /// <summary>Seed of episode 0; episode i uses FirstSeed + i.</summary>
    public ulong FirstSeed { get; init; }

    public int RecordsPerShard { get; init; } = 1000;

    /// <summary>Pieces of the missions' and captions' SentencePiece model (BPE: at 96 each of their words is
    /// one piece; docs/DATA.md, "Text model").</summary>
    public int TextVocabSize { get; init; } = DefaultTextVocabSize;

    public const int DefaultTextVocabSize = 96;
}

/// <summary>The action a noisy step records (<see cref="GenerationOptions.NoiseLabels"/>).</summary>
public enum NoiseLabels
{
    Taken,
    Expert,
}

/// <summary>The one spelling of <see cref="NoiseLabels"/> on the command line and in the manifest.</summary>
public static class NoiseLabelsNames
{
    public static string Name(this NoiseLabels labels) => labels == NoiseLabels.Expert ? "expert" : "taken";

    /// <summary>"taken" or "expert"; null (a manifest from before the option) is taken.</summary>
    public static NoiseLabels Parse(string? name) => name switch
    {
        null or "taken" => NoiseLabels.Taken,
        "expert" => NoiseLabels.Expert,
        _ => throw new InvalidOptionException("noise-labels", name, "must be taken or expert"),
    };
}

/// <summary>Where generation stands: <paramref name="Done"/> of <paramref name="Total"/> units
/// (episodes rolled out or written) for <paramref name="Task"/>.</summary>
public readonly record struct GenerationProgress(string Task, string Phase, int Done, int Total);
