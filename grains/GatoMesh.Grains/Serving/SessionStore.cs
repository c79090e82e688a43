using Orleans.Storage;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// A session's persisted state in the silo's grain storage provider (memory embedded, Redis in a
/// cluster): a header, a cursor, and one record per step of the current window, each under a grain id
/// of its own. Keeping steps as separate records makes a step cost one small write (its own observation)
/// instead of rewriting the whole window, and a step record is written create-only (no ETag: the
/// provider refuses it if the record exists), so two activations of one session (possible for a moment
/// while silos disagree on membership) can never both apply a step at the same timestep.
/// </summary>
internal sealed class SessionStore(IGrainStorage storage, string sessionKey)
{
    private const string StateName = "session";

    private readonly GrainId headerId = GrainId.Create("gatomesh-session-header", sessionKey);
    private readonly GrainId cursorId = GrainId.Create("gatomesh-session-cursor", sessionKey);
    private readonly GrainState<SessionHeader> header = new();
    private readonly GrainState<SessionCursor> cursor = new();
    // The ETag of every step record this activation read or wrote, so deleting one needs no read.
    private readonly Dictionary<(long Episode, long Timestep), string> stepETags = [];

    private GrainId StepId(long episode, long timestep) => GrainId.Create("gatomesh-session-step", $"{sessionKey}#{episode}#{timestep}");

    public async Task<SessionHeader?> ReadHeaderAsync()
    {
        await storage.ReadStateAsync(StateName, headerId, this.header);
        return this.header.RecordExists ? this.header.State : null;
    }

    public Task WriteHeaderAsync(SessionHeader header)
    {
        this.header.State = header;
        return storage.WriteStateAsync(StateName, headerId, this.header);
    }

    public async Task<SessionCursor?> ReadCursorAsync()
    {
        await storage.ReadStateAsync(StateName, cursorId, this.cursor);
        return this.cursor.RecordExists ? this.cursor.State : null;
    }

    public Task WriteCursorAsync(SessionCursor cursor)
    {
        this.cursor.State = cursor;
        return storage.WriteStateAsync(StateName, cursorId, this.cursor);
    }

    /// <summary>Writes a step's record; fails with <see cref="InconsistentStateException"/> if one exists.</summary>
    public async Task WriteStepAsync(StepRecord record)
    {
        var state = new GrainState<StepRecord>(record);
        await storage.WriteStateAsync(StateName, StepId(record.Episode, record.Timestep), state);
        stepETags[(record.Episode, record.Timestep)] = state.ETag!;
    }

    public async Task<StepRecord?> ReadStepAsync(long episode, long timestep)
    {
        var state = new GrainState<StepRecord>();
        await storage.ReadStateAsync(StateName, StepId(episode, timestep), state);
        if (!state.RecordExists) return null;
        stepETags[(episode, timestep)] = state.ETag!;
        return state.State;
    }

    /// <summary>Deletes a step's record if it is still the one this activation knows.</summary>
    public async Task DeleteStepAsync(long episode, long timestep)
    {
        if (!stepETags.Remove((episode, timestep), out var etag)) return;
        try
        {
            await storage.ClearStateAsync(StateName, StepId(episode, timestep), new GrainState<StepRecord> { ETag = etag, RecordExists = true });
        }
        catch (InconsistentStateException)
        {
            // Someone else removed or replaced it meanwhile: nothing left of ours to delete.
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
        if (this.header.RecordExists) await storage.ClearStateAsync(StateName, headerId, this.header);
        if (this.cursor.RecordExists) await storage.ClearStateAsync(StateName, cursorId, this.cursor);
    }
}
