using System.Text;
using GatoMesh.Torch;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>
/// A checkpoint is a folder: config.json (<see cref="GatoConfig.ToJson"/>) and model.safetensors (every
/// tensor of <see cref="TensorLayout.For"/>, float32, by name; docs/MODEL.md). Both files are replaced
/// atomically. Loading checks the file's tensors against the config's layout before any weight is
/// read, so a mismatched file fails with the tensor's name instead of loading garbage.
/// </summary>
public static class Checkpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";

    public static void Save(GatoModel model, string dir)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(dir);
        Directory.CreateDirectory(dir);
        SafetensorsFile.Save(Path.Combine(dir, WeightsFile), model.NamedParameters(),
            new Dictionary<string, string> { ["format"] = "gatomesh", ["preset"] = model.Config.Preset });
        var config = Encoding.UTF8.GetBytes(model.Config.ToJson() + "\n");
        AtomicFile.Write(Path.Combine(dir, ConfigFile), stream => stream.Write(config));
    }

    /// <summary>The model in <paramref name="dir"/>, on <paramref name="device"/> (CPU by default), in evaluation mode.</summary>
    public static GatoModel Load(string dir, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        var config = ReadConfig(dir);
        var weights = Path.Combine(dir, WeightsFile);
        Validate(config, SafetensorsFile.ReadHeader(weights).Entries);
        var model = new GatoModel(config, seed: 0, device);
        try
        {
            using var content = SafetensorsFile.Load(weights, device);
            using var noGrad = new NoGradScope();
            foreach (var (name, parameter) in model.NamedParameters()) parameter.CopyFrom(content[name]);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public static GatoConfig ReadConfig(string dir) => GatoConfig.FromJson(File.ReadAllText(Path.Combine(dir, ConfigFile)));

    /// <summary>Every tensor of the layout present once with its shape and float32, and nothing else.</summary>
    internal static void Validate(GatoConfig config, IReadOnlyList<SafetensorsEntry> entries)
    {
        var stored = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var layout = TensorLayout.For(config);
        foreach (var spec in layout)
        {
            if (!stored.TryGetValue(spec.Name, out var entry))
                throw new CheckpointMismatchException(spec.Name, $"missing; {config.Preset} needs it with shape [{string.Join(", ", spec.Shape)}]");
            if (!entry.Shape.SequenceEqual(spec.Shape))
                throw new CheckpointMismatchException(spec.Name, $"has shape [{string.Join(", ", entry.Shape)}]; {config.Preset} needs [{string.Join(", ", spec.Shape)}]");
            if (entry.DType != DType.Float32)
                throw new CheckpointMismatchException(spec.Name, $"has dtype {entry.DType}; the model is float32");
        }
        var expected = layout.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries)
            if (!expected.Contains(entry.Name))
                throw new CheckpointMismatchException(entry.Name, $"is not a tensor of {config.Preset} (docs/MODEL.md lists them)");
    }
}

/// <summary>A checkpoint whose tensors do not match its config, naming the tensor.</summary>
public sealed class CheckpointMismatchException(string tensor, string problem)
    : Exception($"checkpoint tensor '{tensor}' {problem}")
{
    public string Tensor { get; } = tensor;
}
