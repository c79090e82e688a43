namespace GatoMesh.Torch.Safetensors;

/// <summary>The tensors of a loaded safetensors file, in header order, with its metadata. Owns the
/// tensors: disposing the content disposes every tensor not taken out with <see cref="Take"/>.</summary>
public sealed class SafetensorsContent : IDisposable
{
    private readonly Dictionary<string, Tensor> byName;

    internal SafetensorsContent(IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        byName = tensors.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
    }

    public IReadOnlyList<KeyValuePair<string, Tensor>> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IEnumerable<string> Names => Tensors.Select(t => t.Key);

    public Tensor this[string name] => byName.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"no tensor named '{name}' in this safetensors file");

    public bool TryGet(string name, out Tensor tensor) => byName.TryGetValue(name, out tensor!);

    /// <summary>Hands the tensor named <paramref name="name"/> to the caller, who then owns it.</summary>
    public Tensor Take(string name)
    {
        var t = this[name];
        byName.Remove(name);
        return t;
    }

    public void Dispose()
    {
        foreach (var t in byName.Values) t.Dispose();
        byName.Clear();
    }
}
