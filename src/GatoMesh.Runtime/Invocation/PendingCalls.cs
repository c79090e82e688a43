using System.Collections.Concurrent;
using GatoMesh.Runtime.Serialization;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Invocation;

/// <summary>A call waiting for its answer: completed by a response frame, by the loss of the connection
/// it went out on, or by its deadline — whichever comes first; the others are ignored.</summary>
internal interface IPendingCall
{
    long CorrelationId { get; }

    /// <summary>Environment.TickCount64 after which the call times out.</summary>
    long Deadline { get; }

    Connection? Via { get; }

    void OnResponse(ResponseStatus status, WireReader body);

    void OnFailure(Exception error);

    void OnTimeout();
}

/// <summary>Calls in flight by correlation id (unique in the process), with one sweeper that times out
/// those past their deadline. Calls leave the table when they complete, so it holds only what is in flight.</summary>
internal sealed class PendingCalls : IDisposable
{
    private static long s_lastCorrelationId;

    private readonly ConcurrentDictionary<long, IPendingCall> _calls = new();
    private readonly Timer _sweeper;

    public PendingCalls(TimeSpan callTimeout)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(callTimeout.TotalMilliseconds / 10, 20, 1_000));
        _sweeper = new Timer(static s => ((PendingCalls)s!).Sweep(), this, period, period);
    }

    public static long NextCorrelationId() => Interlocked.Increment(ref s_lastCorrelationId);

    public int Count => _calls.Count;

    public void Add(IPendingCall call) => _calls[call.CorrelationId] = call;

    public bool TryTake(long correlationId, out IPendingCall call) => _calls.TryRemove(correlationId, out call!);

    public void Remove(long correlationId) => _calls.TryRemove(correlationId, out _);

    /// <summary>Fails every call that went out on <paramref name="connection"/> (it closed).</summary>
    public void FailVia(Connection connection, Exception error)
    {
        foreach (var (id, call) in _calls)
        {
            if (call.Via == connection && _calls.TryRemove(id, out var taken)) taken.OnFailure(error);
        }
    }

    /// <summary>Fails every call still waiting (the caller is shutting down).</summary>
    public void FailAll(Exception error)
    {
        foreach (var id in _calls.Keys)
            if (_calls.TryRemove(id, out var taken)) taken.OnFailure(error);
    }

    private void Sweep()
    {
        long now = Environment.TickCount64;
        foreach (var (id, call) in _calls)
        {
            if (call.Deadline <= now && _calls.TryRemove(id, out var taken)) taken.OnTimeout();
        }
    }

    public void Dispose() => _sweeper.Dispose();
}
