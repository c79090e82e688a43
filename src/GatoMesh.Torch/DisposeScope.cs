namespace GatoMesh.Torch;

/// <summary>
/// Disposes every tensor created while it is the current scope, when it ends:
/// <code>using (DisposeScope.Begin()) { ... }</code>
/// The current scope lives in an <see cref="AsyncLocal{T}"/>, not a thread-static (TorchSharp's
/// choice), so it flows into awaited calls and continuations on other threads: grain code is async,
/// and a turn may resume on any thread-pool thread. A scope begun inside an async method ends with
/// that method's logical flow; tensors created by concurrent tasks of the same flow are all tracked
/// (registration is thread-safe). Keep a result with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    private static readonly AsyncLocal<DisposeScope?> CurrentScope = new();
    private readonly HashSet<Tensor> tensors = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    private DisposeScope(DisposeScope? parent) => Parent = parent;

    /// <summary>The innermost live scope of this logical flow, or null.</summary>
    internal static DisposeScope? Current
    {
        get
        {
            var scope = CurrentScope.Value;
            while (scope is { disposed: true }) scope = scope.Parent;
            return scope;
        }
    }

    internal DisposeScope? Parent { get; }

    /// <summary>Starts a scope nested in the current one and makes it current.</summary>
    public static DisposeScope Begin()
    {
        var scope = new DisposeScope(Current);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>How many tensors this scope will dispose.</summary>
    public int Count
    {
        get { lock (tensors) return tensors.Count; }
    }

    internal void Add(Tensor tensor)
    {
        lock (tensors)
        {
            if (disposed) return;
            tensors.Add(tensor);
            tensor.Scope = this;
        }
    }

    internal void Remove(Tensor tensor)
    {
        lock (tensors)
        {
            if (tensor.Scope != this) return;
            tensors.Remove(tensor);
            tensor.Scope = null;
        }
    }

    public void Dispose()
    {
        Tensor[] owned;
        lock (tensors)
        {
            if (disposed) return;
            disposed = true;
            owned = [.. tensors];
            tensors.Clear();
        }
        foreach (var tensor in owned)
        {
            tensor.Scope = null;
            tensor.Dispose();
        }
        if (CurrentScope.Value == this) CurrentScope.Value = Parent;
    }
}
