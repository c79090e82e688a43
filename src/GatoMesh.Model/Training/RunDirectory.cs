using GatoMesh.Tokens;
using GatoMesh.Torch;
using GatoMesh.Torch.Optim;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>
/// A training run's folder (docs/TRAINING.md, "Run directory"), the one resume path of the single-process and
/// the data-parallel trainer: <c>checkpoints/step-K/</c> folders and the <c>latest</c> pointer. A checkpoint is
/// staged in <c>step-K.partial/</c>, renamed into place and flushed, and only then does <c>latest</c> move to it,
/// so a crash at any moment leaves <c>latest</c> naming a complete checkpoint.
/// </summary>
internal static class RunDirectory
{
    /// <summary>Every optimizer file of a checkpoint: <see cref="Trainer.OptimizerFile"/> or a ZeRO-1 rank's
    /// <c>optimizer-rank-R.safetensors</c>. On resume all are read and each rank takes its parameters' entries, so a
    /// checkpoint resumes under any world size.</summary>
    public const string OptimizerPattern = "optimizer*.safetensors";

    internal static string StepDirectory(long step) => $"step-{step:D8}";

    /// <summary>What a run resumes from: the model of <c>out/latest</c> and its state, or a fresh model from the
    /// seed (<paramref name="localGrids"/> on their lattice) when the run has no checkpoint yet.</summary>
    internal sealed record Resumption(GatoModel Model, TrainerState? State, string? Checkpoint);

    /// <summary>Checks the latest checkpoint belongs to this run (the options that fix the batches, the step's math
    /// and the model config; <see cref="InvalidTrainingOptionException"/> names the first that differs) and loads it.</summary>
    internal static Resumption Resume(TrainerOptions options, int microBatches, IReadOnlyList<LocalGrid> localGrids)
    {
        var latest = Trainer.LatestCheckpoint(options.OutputDirectory);
        if (latest is null)
            return new Resumption(new GatoModel(options.Config, options.Seed, localGrids: localGrids), null, null);
        var state = TrainerState.Load(latest);
        state.RequireSameRun(options, microBatches, latest);
        var saved = Checkpoint.ReadConfig(latest);
        if (saved != options.Config)
            throw new InvalidTrainingOptionException(nameof(TrainerOptions.Config), options.Config.Preset, $"the checkpoint in {latest} has another model config ({saved.Preset})");
        return new Resumption(Checkpoint.Load(latest), state, latest);
    }

    /// <summary>Loads every optimizer file of <paramref name="checkpoint"/> into <paramref name="optimizer"/>, which
    /// takes the entries of its own parameters.</summary>
    internal static void LoadOptimizer(AdamW optimizer, string checkpoint)
    {
        var files = Directory.GetFiles(checkpoint, OptimizerPattern).Order(StringComparer.Ordinal).Select(f => SafetensorsFile.Load(f)).ToList();
        try
        {
            var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var file in files)
                foreach (var (name, tensor) in file.Tensors)
                    merged[name] = tensor;
            optimizer.LoadState(merged);
        }
        finally
        {
            foreach (var file in files) file.Dispose();
        }
    }

    /// <summary>Writes the optimizer's state (moments and step counts) to <paramref name="path"/>.</summary>
    internal static void SaveOptimizer(AdamW optimizer, string path)
    {
        var state = optimizer.State();
        try
        {
            SafetensorsFile.Save(path, state.Select(p => (p.Key, p.Value)).ToList());
        }
        finally
        {
            foreach (var (_, tensor) in state) tensor.Dispose();
        }
    }

    /// <summary>An empty <c>checkpoints/step-K.partial/</c> to write checkpoint K into.</summary>
    internal static string Stage(string outputDirectory, long step)
    {
        var staging = Path.Combine(outputDirectory, Trainer.CheckpointsDirectory, StepDirectory(step)) + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Moves a staged checkpoint to <c>checkpoints/step-K/</c>, flushes the rename, then points
    /// <c>latest</c> at it; returns the folder.</summary>
    internal static string Publish(string outputDirectory, long step)
    {
        var root = Path.Combine(outputDirectory, Trainer.CheckpointsDirectory);
        var name = StepDirectory(step);
        var final = Path.Combine(root, name);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(final + ".partial", final);
        FolderSync.Flush(root);
        var pointer = System.Text.Encoding.UTF8.GetBytes($"{Trainer.CheckpointsDirectory}/{name}\n");
        AtomicFile.Write(Path.Combine(outputDirectory, Trainer.LatestFile), stream => stream.Write(pointer));
        return final;
    }

    /// <summary>A checkpoint is self-contained for serving: text observations tokenize with the very SentencePiece
    /// model the training data was encoded with.</summary>
    internal static void CopyTextModel(TrainingData data, string checkpointDirectory)
    {
        if (data.TextModelPath is { } textModel)
            File.Copy(textModel, Path.Combine(checkpointDirectory, SentencePieceTrainer.ModelFileName), overwrite: true);
    }
}
