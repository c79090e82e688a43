namespace GatoMesh.Torch.Nn;

/// <summary>
/// A network block that owns named parameters and child blocks (torch.nn.Module's registry).
/// Names are hierarchical, as PyTorch's state_dict writes them ("blocks.0.attn.qkv.weight"), so
/// checkpoints interoperate. Parameters are owned by the module, never by a DisposeScope: disposing
/// the module disposes them and its children.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> parameters = [];
    private readonly List<(string Name, Module Module)> children = [];
    private bool disposed;

    /// <summary>True in training mode (dropout active), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Takes ownership of <paramref name="tensor"/> as a trainable parameter called <paramref name="name"/>:
    /// removes it from any DisposeScope and makes it require gradients.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckNewName(name);
        tensor.DetachFromScope();
        tensor.RequiresGrad = true;
        parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Adds <paramref name="module"/> as a child; its parameters are named "<paramref name="name"/>.…".</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckNewName(name);
        children.Add((name, module));
        return module;
    }

    private void CheckNewName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"name '{name}' must not contain '.' (it separates levels)", nameof(name));
        if (parameters.Exists(p => p.Name == name) || children.Exists(c => c.Name == name))
            throw new ArgumentException($"name '{name}' is already registered in {GetType().Name}", nameof(name));
    }

    /// <summary>Every parameter with its full name: this module's own in registration order, then each
    /// child's in registration order (PyTorch's named_parameters order).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> NamedParameters()
    {
        var all = new List<(string, Tensor)>();
        Collect(prefix: "", all);
        return all;
    }

    private void Collect(string prefix, List<(string, Tensor)> into)
    {
        foreach (var (name, tensor) in parameters) into.Add((prefix + name, tensor));
        foreach (var (name, child) in children) child.Collect(prefix + name + ".", into);
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>Sets training mode here and in every child; returns this.</summary>
    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in children) child.Train(on);
        return this;
    }

    /// <summary>Evaluation mode (dropout off); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Drops every parameter's gradient (PyTorch's set_to_none: the next backward allocates fresh ones).</summary>
    public void ZeroGrad()
    {
        foreach (var (_, tensor) in NamedParameters()) tensor.Grad = null;
    }

    /// <summary>The parameter count of this module and its children.</summary>
    public long ParameterCount => NamedParameters().Sum(p => p.Tensor.Count);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, tensor) in parameters) tensor.Dispose();
        foreach (var (_, child) in children) child.Dispose();
        DisposeOwned();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees native objects a module owns besides its parameters and children (e.g. a generator).</summary>
    protected virtual void DisposeOwned() { }

    /// <summary>A freshly initialized CPU tensor moved to <paramref name="device"/> (initializers draw on the
    /// CPU so a seed gives the same weights on every device).</summary>
    private protected static Tensor OnDevice(Tensor cpu, Device? device)
    {
        if (device is not { Type: not DeviceType.Cpu } d) return cpu;
        using (cpu) return cpu.To(d);
    }
}
