namespace GatoMesh.Torch.Nn;

/// <summary>An ordered list of child modules named "0", "1", … (torch.nn.ModuleList), so that a stack of
/// blocks registered as "blocks" names its parameters "blocks.0.attn.qkv.weight" as PyTorch does.</summary>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> items = [];

    public ModuleList(IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules) Add(module);
    }

    public void Add(T module) => items.Add(RegisterModule(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));

    public T this[int index] => items[index];
    public int Count => items.Count;
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
