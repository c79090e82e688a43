using GatoMesh.Model.Kv;

namespace GatoMesh.Model.Engine;

/// <summary>One sequence the engine holds: its paged cache, the work it still has to run and the
/// request in progress. Owned by the engine thread.</summary>
internal sealed class EngineSequence(string id, SequenceCache cache)
{
    public string Id { get; } = id;
    public SequenceCache Cache { get; } = cache;
    public LinkedList<Segment> Segments { get; } = new();

    /// <summary>Absolute index of the timestep the next request must carry.</summary>
    public long NextTimestep { get; set; }

    /// <summary>Absolute index of the oldest timestep in the window.</summary>
    public long OldestTimestep { get; set; }

    public PendingAct? InFlight { get; set; }

    /// <summary>Iteration in which the sequence last ran or was admitted (least recently used is evicted first).</summary>
    public long LastUsed { get; set; }

    /// <summary>When the request in progress was admitted: an older request is never evicted for a
    /// younger one's slots, so under KV pressure the oldest request always progresses.</summary>
    public long AdmittedAt { get; set; }

    /// <summary>Admission order among sequences with work (first come, first scheduled).</summary>
    public long ReadySince { get; set; }
}

/// <summary>A request being served: the caller's task and the action tokens sampled so far.</summary>
internal sealed class PendingAct(ActRequest request, TaskCompletionSource<ActResult> completion)
{
    public ActRequest Request { get; } = request;
    public TaskCompletionSource<ActResult> Completion { get; } = completion;
    public long[] Actions { get; } = new long[request.ActionSpec.Count];
    public CancellationTokenRegistration Cancellation { get; set; }
}
