using System.Text.Json;
using GatoMesh.Runtime;
using GatoMesh.Runtime.Storage;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// A session's persisted state in the silo's grain storage (memory, or Redis in a cluster): a header,
/// a cursor, and one record per step of the current window. Keeping steps as separate records makes
/// a step cost one small write (its own observation) instead of rewriting the whole window, and a
/// record is written create-only, so two activations of one session (possible for a moment while
/// silos disagree on membership) can never both apply a step at the same timestep.
/// </summary>
internal sealed class SessionStore(IGrainStorage storage, string sessionKey)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.General);

    private readonly GrainId _header = new("gatomesh.session.header", sessionKey);
    private readonly GrainId _cursor = new("gatomesh.session.cursor", sessionKey);
    private string? _headerETag;
    private string? _cursorETag;

    private GrainId StepId(long episode, long timestep) => new("gatomesh.session.step", $"{sessionKey}#{episode}#{timestep}");

    public async Task<SessionHeader?> ReadHeaderAsync()
    {
        var stored = await storage.ReadAsync(_header);
        _headerETag = stored?.ETag;
        return stored is null ? null : JsonSerializer.Deserialize<SessionHeader>(stored.Data, s_json);
    }

    public async Task WriteHeaderAsync(SessionHeader header) =>
        _headerETag = await storage.WriteAsync(_header, JsonSerializer.SerializeToUtf8Bytes(header, s_json), _headerETag);

    public async Task<SessionCursor?> ReadCursorAsync()
    {
        var stored = await storage.ReadAsync(_cursor);
        _cursorETag = stored?.ETag;
        return stored is null ? null : JsonSerializer.Deserialize<SessionCursor>(stored.Data, s_json);
    }

    public async Task WriteCursorAsync(SessionCursor cursor) =>
        _cursorETag = await storage.WriteAsync(_cursor, JsonSerializer.SerializeToUtf8Bytes(cursor, s_json), _cursorETag);

    /// <summary>Writes a step's record; fails with <see cref="InconsistentStateException"/> if one exists.</summary>
    public Task WriteStepAsync(StepRecord record) =>
        storage.WriteAsync(StepId(record.Episode, record.Timestep), JsonSerializer.SerializeToUtf8Bytes(record, s_json), expectedETag: null);

    public async Task<StepRecord?> ReadStepAsync(long episode, long timestep)
    {
        var stored = await storage.ReadAsync(StepId(episode, timestep));
        return stored is null ? null : JsonSerializer.Deserialize<StepRecord>(stored.Data, s_json);
    }

    /// <summary>Deletes a step's record if it exists.</summary>
    public async Task DeleteStepAsync(long episode, long timestep)
    {
        var id = StepId(episode, timestep);
        var stored = await storage.ReadAsync(id);
        if (stored is not null)
        {
            try
            {
                await storage.ClearAsync(id, stored.ETag);
            }
            catch (InconsistentStateException)
            {
                // Someone else removed or replaced it meanwhile: nothing left of ours to delete.
            }
        }
    }

    /// <summary>
    /// The records of <paramref name="episode"/> from <paramref name="fromHint"/> on: records below
    /// the live window were deleted, so a missing prefix is skipped (up to <paramref name="maxGap"/>
    /// timesteps), then records are read until the first missing one.
    /// </summary>
    public async Task<List<StepRecord>> ReadWindowAsync(long episode, long fromHint, int maxGap)
    {
        var records = new List<StepRecord>();
        var t = fromHint;
        for (var gap = 0; records.Count == 0 && gap <= maxGap; gap++, t++)
        {
            if (await ReadStepAsync(episode, t) is { } first) records.Add(first);
        }
        while (records.Count > 0 && await ReadStepAsync(episode, records[^1].Timestep + 1) is { } next)
            records.Add(next);
        return records;
    }

    /// <summary>Deletes header and cursor (closing a session).</summary>
    public async Task ClearAsync()
    {
        if (_headerETag is not null) await storage.ClearAsync(_header, _headerETag);
        if (_cursorETag is not null) await storage.ClearAsync(_cursor, _cursorETag);
        _headerETag = _cursorETag = null;
    }
}
