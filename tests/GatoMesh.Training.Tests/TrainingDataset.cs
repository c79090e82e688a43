using GatoMesh.Envs;
using GatoMesh.Model;

namespace GatoMesh.Training.Tests;

/// <summary>A tiny expert dataset (Catch, the grid world and captioned images) generated once for the
/// distributed trainer tests with the real generator, as `gatomesh data generate` writes it.</summary>
public sealed class TrainingDataset : IDisposable
{
    public TrainingDataset()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gatomesh-dp-data-" + Guid.NewGuid().ToString("N"));
        new DatasetGenerator(new GenerationOptions
        {
            Tasks = ["catch", "gridworld", CaptionedScenes.Task],
            Episodes = 4,
            RandomEpisodes = 2,
            OutputDirectory = Directory,
        }).Run();
    }

    public string Directory { get; }

    /// <summary>gato-tiny with short sequences and a global batch of 4, writing to <paramref name="output"/>.</summary>
    public TrainerOptions Options(string output, long steps) => new()
    {
        Config = Presets.Tiny,
        DataDirectory = Directory,
        OutputDirectory = output,
        Steps = steps,
        BatchSize = 4,
        SequenceLength = 160,
        PeakLearningRate = 1e-3,
        WarmupSteps = 2,
        Seed = 11,
        CheckpointEvery = 1000,
    };

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class TrainingCollection : ICollectionFixture<TrainingDataset>
{
    public const string Name = "distributed training data";
}
