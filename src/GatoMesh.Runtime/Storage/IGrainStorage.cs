namespace GatoMesh.Runtime.Storage;

/// <summary>A grain's persisted state as stored: opaque bytes (the grain layer serializes) and an ETag.</summary>
public sealed record StoredState(byte[] Data, string ETag);

/// <summary>
/// Where grains persist state (Orleans' IGrainStorage). Writes are conditional on the ETag the grain
/// last read (null: the grain believes nothing is stored); a stale ETag throws
/// <see cref="InconsistentStateException"/> and writes nothing, so a zombie activation can never
/// overwrite its successor's state. Implementations: memory (embedded default) and Redis.
/// </summary>
public interface IGrainStorage
{
    /// <summary>The stored state, or null if none.</summary>
    Task<StoredState?> ReadAsync(GrainId grain, CancellationToken cancellation = default);

    /// <summary>Writes <paramref name="data"/> if the stored ETag equals <paramref name="expectedETag"/>;
    /// returns the new ETag.</summary>
    Task<string> WriteAsync(GrainId grain, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellation = default);

    /// <summary>Deletes the state if the stored ETag equals <paramref name="expectedETag"/>.</summary>
    Task ClearAsync(GrainId grain, string? expectedETag, CancellationToken cancellation = default);
}

/// <summary>A conditional write found a different ETag than the writer expected.</summary>
public sealed class InconsistentStateException(GrainId grain, string? expected, string? actual)
    : Exception($"state of grain {grain} changed underneath: expected ETag '{expected ?? "(none)"}', found '{actual ?? "(none)"}'")
{
    public GrainId Grain { get; } = grain;
    public string? ExpectedETag { get; } = expected;
    public string? ActualETag { get; } = actual;
}
