using GatoMesh.Runtime.Storage;

namespace GatoMesh.Runtime;

/// <summary>A grain with one persistent state object, read from the silo's grain storage before
/// <see cref="Grain.OnActivateAsync"/> and written only when the grain asks (<see cref="WriteStateAsync"/>).</summary>
public abstract class Grain<TState> : Grain where TState : new()
{
    private PersistentState<TState>? _state;

    protected IPersistentState<TState> PersistentState =>
        _state ?? throw new InvalidOperationException("state is not loaded yet: use OnActivateAsync, not the constructor");

    protected TState State
    {
        get => PersistentState.State;
        set => PersistentState.State = value;
    }

    protected Task WriteStateAsync() => PersistentState.WriteStateAsync();

    protected Task ReadStateAsync() => PersistentState.ReadStateAsync();

    protected Task ClearStateAsync() => PersistentState.ClearStateAsync();

    private protected override Task LoadStateAsync(IGrainStorage storage, CancellationToken cancellation)
    {
        _state = new PersistentState<TState>(GrainId, storage);
        return _state.ReadStateAsync();
    }
}
