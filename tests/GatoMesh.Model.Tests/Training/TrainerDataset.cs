using GatoMesh.Envs;

namespace GatoMesh.Model.Tests;

/// <summary>A tiny expert dataset (Catch, the grid world and captioned images, a few episodes each) generated once
/// for the trainer tests with the real generator, as `gatomesh data generate` would write it.</summary>
public sealed class TrainerDataset : IDisposable
{
    public TrainerDataset()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gatomesh-trainer-data-" + Guid.NewGuid().ToString("N"));
        new DatasetGenerator(new GenerationOptions
        {
            Tasks = ["catch", "gridworld", CaptionedScenes.Task],
            Episodes = 4,
            RandomEpisodes = 2,
            OutputDirectory = Directory,
        }).Run();
    }

    public string Directory { get; }

    /// <summary>gato-tiny on this data with short sequences and small batches, writing to <paramref name="output"/>.</summary>
    public TrainerOptions Options(string output, long steps) => new()
    {
        Config = Presets.Tiny,
        DataDirectory = Directory,
        OutputDirectory = output,
        Steps = steps,
        BatchSize = 2,
        SequenceLength = 160,
        PeakLearningRate = 1e-3,
        WarmupSteps = 2,
        Seed = 7,
        CheckpointEvery = 100,
    };

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
