using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GatoMesh.Runtime.Serialization;

namespace GatoMesh.Runtime.Storage;

/// <summary>State kept as System.Text.Json UTF-8 in an <see cref="IGrainStorage"/>; JSON so that a state
/// class may gain or lose members between versions of a grain.</summary>
internal sealed class PersistentState<TState>(GrainId grain, IGrainStorage storage) : IPersistentState<TState>
    where TState : new()
{
    private static readonly JsonTypeInfo<TState> s_json = (JsonTypeInfo<TState>)WireCodecs.JsonOptions.GetTypeInfo(typeof(TState));

    public TState State { get; set; } = new();
    public string? ETag { get; private set; }
    public bool RecordExists => ETag is not null;

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync(grain);
        if (stored is null)
        {
            State = new();
            ETag = null;
            return;
        }
        State = JsonSerializer.Deserialize(stored.Data, s_json) ?? new();
        ETag = stored.ETag;
    }

    public async Task WriteStateAsync()
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(State, s_json);
        ETag = await storage.WriteAsync(grain, bytes, ETag);
    }

    public async Task ClearStateAsync()
    {
        await storage.ClearAsync(grain, ETag);
        State = new();
        ETag = null;
    }
}
