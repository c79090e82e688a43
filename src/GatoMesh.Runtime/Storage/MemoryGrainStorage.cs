using System.Collections.Concurrent;

namespace GatoMesh.Runtime.Storage;

/// <summary>Grain storage in this process's memory (the embedded default): the same ETag rules as every
/// provider, state lost when the process ends. ETags come from one store-wide counter.</summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainId, StoredState> _states = new();

    // One counter for the whole store, so an ETag is never reused, even after a clear.
    private long _lastETag;

    public Task<StoredState?> ReadAsync(GrainId grain, CancellationToken cancellation = default) =>
        Task.FromResult(_states.TryGetValue(grain, out var s) ? s : null);

    public Task<string> WriteAsync(GrainId grain, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellation = default)
    {
        while (true)
        {
            _states.TryGetValue(grain, out var current);
            if (current?.ETag != expectedETag)
                throw new InconsistentStateException(grain, expectedETag, current?.ETag);
            long version = Interlocked.Increment(ref _lastETag);
            var next = new StoredState(data.ToArray(), version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            bool swapped = current is null ? _states.TryAdd(grain, next) : _states.TryUpdate(grain, next, current);
            if (swapped) return Task.FromResult(next.ETag);
        }
    }

    public Task ClearAsync(GrainId grain, string? expectedETag, CancellationToken cancellation = default)
    {
        while (true)
        {
            if (!_states.TryGetValue(grain, out var current))
            {
                if (expectedETag is null) return Task.CompletedTask;
                throw new InconsistentStateException(grain, expectedETag, null);
            }
            if (current.ETag != expectedETag)
                throw new InconsistentStateException(grain, expectedETag, current.ETag);
            if (_states.TryRemove(KeyValuePair.Create(grain, current))) return Task.CompletedTask;
        }
    }
}
