namespace GatoMesh.Grains.Serving;

/// <summary>What a session was opened with; written at open, read when the session activates.</summary>
public sealed class SessionHeader
{
    public string Fleet { get; set; } = "";
    public string SpecJson { get; set; } = "";
    public List<PromptTimestep> Prompt { get; set; } = [];
    public float Temperature { get; set; }
    public ulong Seed { get; set; }
    public bool ContinuousAsTokens { get; set; }
}

/// <summary>
/// Where a session stands: the episode, the last reset's sequence number, and a hint of where its
/// window starts (written at open and reset, and every few steps). Steps themselves are
/// <see cref="StepRecord"/>s; the cursor need not follow every step, because the records after
/// the hint are found by reading forward.
/// </summary>
public sealed class SessionCursor
{
    public bool Open { get; set; }
    public long Episode { get; set; }

    /// <summary>Sequence number of the last open or reset (steps carry their own).</summary>
    public long ResetSequence { get; set; }

    /// <summary>No record of this episode lies before this timestep.</summary>
    public long WindowStartHint { get; set; }

    public DateTimeOffset LastActive { get; set; }
}

/// <summary>One applied step, persisted before its action is returned: the raw observation (the
/// session re-encodes it when the engine needs the context again), the sampled action tokens and
/// what was answered, so a retried step gets the same answer.</summary>
public sealed class StepRecord
{
    public long Episode { get; set; }
    public long Timestep { get; set; }
    public long Sequence { get; set; }
    public Dictionary<string, FieldValue> Observation { get; set; } = [];
    public long[] ActionTokens { get; set; } = [];
    public string ModelVersion { get; set; } = "";
    public bool Recomputed { get; set; }
}
