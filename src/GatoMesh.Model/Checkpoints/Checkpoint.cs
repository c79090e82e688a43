using System.Text;
using GatoMesh.Torch;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model;

/// <summary>
/// A checkpoint is a folder: config.json (<see cref="GatoConfig.ToJson"/>) and model.safetensors (every
/// tensor of <see cref="TensorLayout.For"/>, float32, by name; docs/MODEL.md), or, for an exported checkpoint
/// (<see cref="Export"/>), the same tensors in bfloat16 split into <c>model-0000k-of-0000n.safetensors</c> files of
/// a bounded size. Files are replaced atomically. Loading checks the files' tensors against the config's layout
/// before any weight is read, so a mismatched file fails with the tensor's name instead of loading garbage; the
/// model always computes in float32.
/// </summary>
public static class Checkpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    const string ShardPattern = "model-*-of-*.safetensors";

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

    /// <summary>
    /// Writes the model's tensors in <paramref name="dtype"/> (bfloat16 for shipping: half the bytes, the precision the
    /// paper trained in) as <c>model-0000k-of-0000n.safetensors</c> files in name order, a new file whenever the next
    /// tensor would take one past <paramref name="maxFileBytes"/>, and the config. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Export(GatoModel model, string dir, DType dtype, long maxFileBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(dir);
        var named = model.NamedParameters().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var groups = new List<List<(string Name, Tensor Tensor)>> { new() };
        long bytes = 0;
        var size = dtype == DType.Float32 ? 4 : 2;
        foreach (var (name, tensor) in named)
        {
            var tensorBytes = tensor.Count * size;
            if (groups[^1].Count > 0 && bytes + tensorBytes > maxFileBytes)
            {
                groups.Add([]);
                bytes = 0;
            }
            groups[^1].Add((name, tensor.To(dtype)));
            bytes += tensorBytes;
        }
        var files = new List<string>();
        try
        {
            foreach (var stale in Directory.GetFiles(dir, ShardPattern).Append(Path.Combine(dir, WeightsFile)).Where(File.Exists)) File.Delete(stale);
            for (var i = 0; i < groups.Count; i++)
            {
                var file = Path.Combine(dir, $"model-{i + 1:D5}-of-{groups.Count:D5}.safetensors");
                SafetensorsFile.Save(file, groups[i], new Dictionary<string, string> { ["format"] = "gatomesh", ["preset"] = model.Config.Preset });
                files.Add(file);
            }
        }
        finally
        {
            foreach (var (_, tensor) in groups.SelectMany(g => g)) tensor.Dispose();
        }
        var config = Encoding.UTF8.GetBytes(model.Config.ToJson() + "\n");
        AtomicFile.Write(Path.Combine(dir, ConfigFile), stream => stream.Write(config));
        return files;
    }

    /// <summary>The weight files of a checkpoint folder: model.safetensors, else its exported shards.</summary>
    static string[] WeightFiles(string dir) =>
        File.Exists(Path.Combine(dir, WeightsFile)) ? [Path.Combine(dir, WeightsFile)] : Directory.GetFiles(dir, ShardPattern).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The model in <paramref name="dir"/>, on <paramref name="device"/> (CPU by default), in evaluation mode.</summary>
    public static GatoModel Load(string dir, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        var config = ReadConfig(dir);
        var files = WeightFiles(dir);
        if (files.Length == 0) throw new FileNotFoundException($"{dir} holds neither {WeightsFile} nor exported model-*-of-*.safetensors files");
        Validate(config, files.SelectMany(f => SafetensorsFile.ReadHeader(f).Entries).ToList());
        var model = new GatoModel(config, seed: 0, device);
        try
        {
            var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor, StringComparer.Ordinal);
            using var noGrad = new NoGradScope();
            foreach (var file in files)
            {
                using var content = SafetensorsFile.Load(file, device);
                foreach (var (name, tensor) in content.Tensors) parameters[name].CopyFrom(tensor);
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public static GatoConfig ReadConfig(string dir) => GatoConfig.FromJson(File.ReadAllText(Path.Combine(dir, ConfigFile)));

    /// <summary>Every tensor of the layout present once with its shape, float32 or bfloat16, and nothing else.</summary>
    internal static void Validate(GatoConfig config, IReadOnlyList<SafetensorsEntry> entries)
    {
        var twice = entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new CheckpointMismatchException(twice.Key, "is stored in more than one file");
        var stored = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var layout = TensorLayout.For(config);
        foreach (var spec in layout)
        {
            if (!stored.TryGetValue(spec.Name, out var entry))
                throw new CheckpointMismatchException(spec.Name, $"missing; {config.Preset} needs it with shape [{string.Join(", ", spec.Shape)}]");
            if (!entry.Shape.SequenceEqual(spec.Shape))
                throw new CheckpointMismatchException(spec.Name, $"has shape [{string.Join(", ", entry.Shape)}]; {config.Preset} needs [{string.Join(", ", spec.Shape)}]");
            if (entry.DType is not (DType.Float32 or DType.BFloat16))
                throw new CheckpointMismatchException(spec.Name, $"has dtype {entry.DType}; checkpoints hold float32 or bfloat16");
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
