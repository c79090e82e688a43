namespace GatoMesh.Grains.Serving;

/// <summary>What a session was opened with; written at open, read when the session activates.</summary>
[GenerateSerializer, Alias("gatomesh.SessionHeader")]
public sealed class SessionHeader
{
    [Id(0)] public string Fleet { get; set; } = "";
    [Id(1)] public string SpecJson { get; set; } = "";
    [Id(2)] public List<PromptTimestep> Prompt { get; set; } = [];
    [Id(3)] public float Temperature { get; set; }
    [Id(4)] public ulong Seed { get; set; }
    [Id(5)] public bool ContinuousAsTokens { get; set; }
}

/// <summary>
/// Where a session stands: the episode, the last reset's sequence number, and a hint of where its
/// window starts (written at open and reset, and every few steps). Steps themselves are
/// <see cref="StepRecord"/>s; the cursor need not follow every step, because the records after
/// the hint are found by reading forward.
/// </summary>
[GenerateSerializer, Alias("gatomesh.SessionCursor")]
public sealed class SessionCursor
{
    [Id(0)] public bool Open { get; set; }
    [Id(1)] public long Episode { get; set; }

    /// <summary>Sequence number of the last open or reset (steps carry their own).</summary>
    [Id(2)] public long ResetSequence { get; set; }

    /// <summary>No record of this episode lies before this timestep.</summary>
    [Id(3)] public long WindowStartHint { get; set; }

    [Id(4)] public DateTimeOffset LastActive { get; set; }
}

/// <summary>One applied step, persisted before its action is returned: the raw observation (the
/// session re-encodes it when the engine needs the context again), the sampled action tokens and
/// what was answered, so a retried step gets the same answer.</summary>
[GenerateSerializer, Alias("gatomesh.StepRecord")]
public sealed class StepRecord
{
    [Id(0)] public long Episode { get; set; }
    [Id(1)] public long Timestep { get; set; }
    [Id(2)] public long Sequence { get; set; }
    [Id(3)] public Dictionary<string, FieldValue> Observation { get; set; } = [];
    [Id(4)] public long[] ActionTokens { get; set; } = [];
    [Id(5)] public string ModelVersion { get; set; } = "";
    [Id(6)] public bool Recomputed { get; set; }
}
