using System.Collections.Concurrent;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Invocation;

namespace GatoMesh.Runtime.Activation;

/// <summary>
/// The activations living on this silo (Orleans' Catalog): at most one per grain id for ordinary grains,
/// up to the class's limit for stateless workers. Also collects idle activations.
/// </summary>
internal sealed class Catalog : IDisposable
{
    private readonly SiloRuntime _runtime;
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly ConcurrentDictionary<GrainId, WorkerPool> _workers = new();
    private readonly Timer _collector;
    private readonly TimeSpan _idleAge;

    public Catalog(SiloRuntime runtime, TimeSpan idleAge)
    {
        _runtime = runtime;
        _idleAge = idleAge;
        var quantum = TimeSpan.FromMilliseconds(Math.Clamp(idleAge.TotalMilliseconds / 4, 50, 5_000));
        _collector = new Timer(static s => ((Catalog)s!).CollectIdle(), this, quantum, quantum);
    }

    public int Count => _activations.Count + _workers.Values.Sum(p => p.Count);

    /// <summary>The activation that should run a request for <paramref name="grain"/>; created (and its
    /// activation step queued) if there is none.</summary>
    public ActivationData GetOrCreate(GrainId grain, GrainClassRegistration grainClass)
    {
        if (grainClass.IsStatelessWorker)
            return _workers.GetOrAdd(grain, static (g, s) => new WorkerPool(s.Item1, g, s.Item2), (_runtime, grainClass)).Pick();
        if (_activations.TryGetValue(grain, out var existing)) return existing;
        var created = new ActivationData(_runtime, grain, grainClass);
        var winner = _activations.GetOrAdd(grain, created);
        if (ReferenceEquals(winner, created)) created.Start();
        return winner;
    }

    public void Remove(ActivationData activation)
    {
        if (activation.Class.IsStatelessWorker)
        {
            if (_workers.TryGetValue(activation.GrainId, out var pool)) pool.Remove(activation);
            return;
        }
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));
    }

    /// <summary>Grain ids with a live (or starting) activation here, workers included.</summary>
    public IReadOnlyList<GrainId> ListGrains() =>
        [.. _activations.Keys, .. _workers.Where(p => p.Value.Count > 0).Select(p => p.Key)];

    /// <summary>Asks every activation matching <paramref name="predicate"/> to deactivate.</summary>
    public int Deactivate(Func<ActivationData, bool> predicate)
    {
        int n = 0;
        foreach (var a in _activations.Values)
        {
            if (!predicate(a)) continue;
            a.RequestDeactivation();
            n++;
        }
        foreach (var pool in _workers.Values)
            n += pool.Deactivate(predicate);
        return n;
    }

    private void CollectIdle()
    {
        long before = Environment.TickCount64 - (long)_idleAge.TotalMilliseconds;
        Deactivate(a => a.IsIdleSince(before));
    }

    public void Dispose() => _collector.Dispose();

    /// <summary>Activations of one stateless-worker grain id on this silo.</summary>
    private sealed class WorkerPool(SiloRuntime runtime, GrainId grain, GrainClassRegistration grainClass)
    {
        private readonly List<ActivationData> _members = [];

        public int Count
        {
            get
            {
                lock (_members) return _members.Count;
            }
        }

        /// <summary>An idle member, else a new one while under the limit, else the least loaded.</summary>
        public ActivationData Pick()
        {
            lock (_members)
            {
                ActivationData? best = null;
                foreach (var m in _members)
                {
                    if (m.State is ActivationState.Deactivating or ActivationState.Invalid) continue;
                    if (m.PendingRequests == 0) return m;
                    if (best is null || m.PendingRequests < best.PendingRequests) best = m;
                }
                if (best is not null && _members.Count >= grainClass.StatelessWorkerMaxLocal) return best;
                var created = new ActivationData(runtime, grain, grainClass);
                _members.Add(created);
                created.Start();
                return created;
            }
        }

        public void Remove(ActivationData activation)
        {
            lock (_members) _members.Remove(activation);
        }

        public int Deactivate(Func<ActivationData, bool> predicate)
        {
            ActivationData[] chosen;
            lock (_members) chosen = [.. _members.Where(predicate)];
            foreach (var a in chosen) a.RequestDeactivation();
            return chosen.Length;
        }
    }
}
