using GatoMesh.Model.Kv;

namespace GatoMesh.Model.Engine;

/// <summary>One sequence the engine holds: its paged cache, the work it still has to run and the
/// request in progress. Owned by the engine thread.</summary>
internal sealed class EngineSequence
{
    public EngineSequence(string id, SequenceCache cache)
    {
        Id = id;
        Cache = cache;
        ReadyNode = new LinkedListNode<EngineSequence>(this);
    }

    public string Id { get; }
    public SequenceCache Cache { get; }
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

    /// <summary>This sequence's entry in the scheduler's ready list (in it while the sequence has work).</summary>
    public LinkedListNode<EngineSequence> ReadyNode { get; }

    /// <summary>The iteration whose plan holds a chunk of this sequence (never evicted for that plan).</summary>
    public long PlannedIn { get; set; }

    /// <summary>Dropped from the engine (released, evicted, failed).</summary>
    public bool Removed { get; set; }
}

/// <summary>A request being served: the caller's task and the action tokens sampled so far.</summary>
internal sealed class PendingAct(ActRequest request, TaskCompletionSource<ActResult> completion)
{
    public ActRequest Request { get; } = request;
    public TaskCompletionSource<ActResult> Completion { get; } = completion;
    public long[] Actions { get; } = new long[request.ActionSpec.Count];
    public CancellationTokenRegistration Cancellation { get; set; }
}
