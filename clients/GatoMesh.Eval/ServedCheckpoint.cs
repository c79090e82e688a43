using System.Text.Json;
using GatoMesh.Model;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>
/// A checkpoint to serve for evaluation: a checkpoint folder (config.json, model.safetensors and,
/// when the model reads text, text.model), or a training run folder whose <c>latest</c> names one.
/// <see cref="Window"/> is the context window to serve it with: the sequence length it was trained
/// on (its trainer.json), since a model never trained to attend further back than L tokens should not
/// be asked to; the model's whole context when the checkpoint has no trainer state.
/// <see cref="History"/> is the timesteps a window held in training (<c>--history</c>), null for no limit.
/// </summary>
public sealed record ServedCheckpoint(string Directory, GatoConfig Config, int Window, bool HasTextModel, int? History = null)
{
    public static ServedCheckpoint Open(string path)
    {
        var directory = Path.GetFullPath(path);
        if (!System.IO.Directory.Exists(directory))
            throw new InvalidEvaluationOptionException("--checkpoint", path, "no such directory");
        if (File.Exists(Path.Combine(directory, Trainer.LatestFile)))
            directory = Trainer.LatestCheckpoint(directory)!;
        if (!File.Exists(Path.Combine(directory, "config.json")))
            throw new InvalidEvaluationOptionException("--checkpoint", path, "neither a checkpoint (config.json, model.safetensors) nor a run folder with `latest`");
        var config = Checkpoint.ReadConfig(directory);
        var window = config.Context;
        var state = Path.Combine(directory, "trainer.json");
        if (File.Exists(state))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(state));
            if (json.RootElement.TryGetProperty("sequence_length", out var length) && length.TryGetInt32(out var trained))
                window = Math.Min(trained, config.Context);
        }
        return new ServedCheckpoint(directory, config, window, File.Exists(Path.Combine(directory, SentencePieceTrainer.ModelFileName)),
            Trainer.HistoryOf(directory) is > 0 and var history ? history : null);
    }
}
