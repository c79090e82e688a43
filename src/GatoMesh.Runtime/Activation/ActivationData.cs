using System.Collections.Concurrent;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Invocation;

namespace GatoMesh.Runtime.Activation;

/// <summary>
/// One live activation of a grain and its message loop (Orleans' ActivationData, smaller). Everything
/// the activation does goes through one queue (<see cref="_inbox"/>) drained by at most one thread-pool
/// work item at a time (<see cref="_scheduled"/>), so a turn never runs in parallel with another turn of
/// the same activation. Fields marked "pump only" are touched only by that loop and need no locks.
/// Invariant: a request starts only in state Valid and, unless the class is reentrant, only when no
/// other request is running.
/// </summary>
internal sealed class ActivationData : IThreadPoolWorkItem
{
    private const int BatchSize = 128;

    private readonly ConcurrentQueue<WorkItem> _inbox = new();
    private readonly Queue<RequestItem> _waiting = new(); // pump only
    private readonly List<GrainTimer> _timers = []; // pump only
    private readonly ActivationSynchronizationContext _context;
    private readonly CancellationTokenSource _stopping = new();
    private int _scheduled;
    private volatile ActivationState _state = ActivationState.Activating;
    private volatile int _running;
    private volatile bool _deactivationRequested;
    private int _pendingRequests;
    private long _lastActiveTicks = Environment.TickCount64;
    private Grain? _grain;

    public ActivationData(SiloRuntime runtime, GrainId grainId, GrainClassRegistration grainClass)
    {
        Runtime = runtime;
        GrainId = grainId;
        Class = grainClass;
        _context = new ActivationSynchronizationContext(this);
        _inbox.Enqueue(new LifecycleItem(activate: true));
    }

    public SiloRuntime Runtime { get; }
    public GrainId GrainId { get; }
    public GrainClassRegistration Class { get; }
    public ActivationState State => _state;
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Requests queued and not started (load for worker placement, queue depth metric).</summary>
    public int PendingRequests => Volatile.Read(ref _pendingRequests);

    public bool IsIdleSince(long ticks) =>
        _state == ActivationState.Valid && _running == 0 && PendingRequests == 0 && Volatile.Read(ref _lastActiveTicks) < ticks;

    /// <summary>Starts the loop: the activation step queued by the constructor runs first.</summary>
    public void Start() => Schedule();

    public void Enqueue(WorkItem item)
    {
        if (item is RequestItem)
        {
            Interlocked.Increment(ref _pendingRequests);
            Runtime.Metrics.QueueDepth.Add(1);
        }
        _inbox.Enqueue(item);
        Schedule();
    }

    /// <summary>Deactivate once no request runs (idle collection, ownership moved, DeactivateOnIdle, shutdown).</summary>
    public void RequestDeactivation()
    {
        _inbox.Enqueue(new LifecycleItem(activate: false));
        Schedule();
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        if (SynchronizationContext.Current != _context)
            throw new InvalidOperationException($"timers of grain {GrainId} must be registered from inside one of its turns");
        var timer = new GrainTimer(this, callback, dueTime, period);
        _timers.Add(timer);
        return timer;
    }

    private void Schedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        bool more;
        try
        {
            more = RunBatch();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (more)
        {
            // Budget used up: yield the thread to other activations, keep the "scheduled" token.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return;
        }
        // A full fence (not a release write): the emptiness check below must not be reordered before the
        // reset, or an item enqueued in between would find the loop "scheduled" and never run (lost wakeup).
        Interlocked.Exchange(ref _scheduled, 0);
        if (!_inbox.IsEmpty) Schedule();
    }

    /// <summary>Runs up to <see cref="BatchSize"/> items; true if work may remain.</summary>
    private bool RunBatch()
    {
        for (int i = 0; i < BatchSize; i++)
        {
            if (_waiting.Count > 0)
            {
                if (_state == ActivationState.Invalid)
                {
                    Redispatch(_waiting.Dequeue());
                    continue;
                }
                if (CanStartRequest)
                {
                    StartRequest(_waiting.Dequeue());
                    continue;
                }
            }
            if (!_inbox.TryDequeue(out var item)) return false;
            switch (item)
            {
                case ContinuationItem continuation:
                    RunContinuation(continuation);
                    break;
                case RequestItem request when _state == ActivationState.Invalid:
                    Redispatch(request);
                    break;
                case RequestItem request when _waiting.Count == 0 && CanStartRequest:
                    StartRequest(request);
                    break;
                case RequestItem request:
                    _waiting.Enqueue(request);
                    break;
                case LifecycleItem { Activate: true }:
                    _ = ActivateAsync();
                    break;
                case LifecycleItem:
                    _deactivationRequested = true;
                    if (_running == 0) BeginDeactivation();
                    break;
            }
        }
        return true;
    }

    private bool CanStartRequest =>
        _state == ActivationState.Valid && !_deactivationRequested && (Class.Reentrant || _running == 0);

    private void RunContinuation(ContinuationItem continuation)
    {
        try
        {
            continuation.Run();
        }
        catch (Exception e)
        {
            Runtime.Log.TurnFailed(GrainId, e);
        }
    }

    private void Redispatch(RequestItem request)
    {
        Interlocked.Decrement(ref _pendingRequests);
        Runtime.Metrics.QueueDepth.Add(-1);
        request.Redispatch();
    }

    private void StartRequest(RequestItem request)
    {
        Interlocked.Decrement(ref _pendingRequests);
        Runtime.Metrics.QueueDepth.Add(-1);
        _running++;
        if (request.KeepsAlive) Volatile.Write(ref _lastActiveTicks, Environment.TickCount64);
        _ = RunRequestAsync(request);
    }

    private async Task RunRequestAsync(RequestItem request)
    {
        try
        {
            await request.ExecuteAsync(_grain!);
        }
        catch (Exception e)
        {
            Runtime.Log.TurnFailed(GrainId, e);
        }
        finally
        {
            // Runs on this activation's queue: the await above captured its context.
            _running--;
            if (_deactivationRequested && _running == 0 && _state == ActivationState.Valid) BeginDeactivation();
        }
    }

    private async Task ActivateAsync()
    {
        try
        {
            var grain = Class.Create();
            grain.Attach(this);
            _grain = grain;
            await grain.LoadState(Runtime.Storage, _stopping.Token);
            await grain.OnActivateAsync(_stopping.Token);
            _state = ActivationState.Valid;
            Runtime.Metrics.Activations.Add(1);
            if (_deactivationRequested) BeginDeactivation();
        }
        catch (Exception e)
        {
            Runtime.Log.ActivationFailed(GrainId, e);
            _state = ActivationState.Invalid;
            DisposeTimers();
            Runtime.Catalog.Remove(this);
            while (_waiting.Count > 0)
            {
                Interlocked.Decrement(ref _pendingRequests);
                Runtime.Metrics.QueueDepth.Add(-1);
                _waiting.Dequeue().Fail(e);
            }
        }
    }

    private void BeginDeactivation()
    {
        if (_state != ActivationState.Valid) return;
        _state = ActivationState.Deactivating;
        _ = DeactivateAsync();
    }

    private async Task DeactivateAsync()
    {
        DisposeTimers();
        try
        {
            await _grain!.OnDeactivateAsync(_stopping.Token);
        }
        catch (Exception e)
        {
            Runtime.Log.DeactivationFailed(GrainId, e);
        }
        // Stays registered until here, so a successor cannot read state before this one wrote it.
        Runtime.Catalog.Remove(this);
        _state = ActivationState.Invalid;
        _stopping.Cancel();
        Runtime.Metrics.Activations.Add(-1);
        // Requests that arrived meanwhile are redispatched by RunBatch, to a fresh activation.
    }

    private void DisposeTimers()
    {
        foreach (var t in _timers) t.Dispose();
        _timers.Clear();
    }
}

internal enum ActivationState
{
    Activating,
    Valid,
    Deactivating,
    Invalid,
}
