namespace GatoMesh.Runtime;

/// <summary>A grain's persisted state with the ETag of the stored version it was read from. A write
/// whose ETag is stale (another activation wrote since) fails with
/// <see cref="Storage.InconsistentStateException"/> and stores nothing.</summary>
public interface IPersistentState<TState>
{
    TState State { get; set; }

    /// <summary>ETag of the stored version this state came from or last wrote; null if nothing is stored.</summary>
    string? ETag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync();

    Task WriteStateAsync();

    Task ClearStateAsync();
}
