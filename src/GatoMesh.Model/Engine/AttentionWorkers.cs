namespace GatoMesh.Model.Engine;

/// <summary>
/// Dedicated helper threads (never the thread pool: ARCHITECTURE.md, "Serving path") that share the
/// engine thread's attention work. Torch runs single-threaded in the engine (MACHINE.md), so during
/// attention the other cores would idle. <see cref="Run"/> hands out work items from a shared counter: the
/// calling thread works too, and a helper that the OS has not scheduled by the time the items are gone is
/// simply not waited for (on a shared 2-core machine a wake-up can take milliseconds), so a slow helper never
/// holds an iteration up beyond the item it is running.
/// </summary>
internal sealed class AttentionWorkers : IDisposable
{
    private const int Idle = 0, Offered = 1, Claimed = 2, Done = 3;

    private readonly Thread[] helpers;
    private readonly SemaphoreSlim[] start;
    private readonly int[] state;
    private Action<int>? body;
    private int items, next;
    private volatile bool stopping;

    public AttentionWorkers(int threads)
    {
        Threads = Math.Max(1, threads);
        helpers = new Thread[Threads - 1];
        start = new SemaphoreSlim[Threads - 1];
        state = new int[Threads - 1];
        for (var i = 0; i < helpers.Length; i++)
        {
            var helper = i;
            start[i] = new SemaphoreSlim(0);
            helpers[i] = new Thread(() => Loop(helper)) { IsBackground = true, Name = $"gatomesh-attention-{i + 1}" };
            helpers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>Runs <paramref name="work"/>(item) for every item in [0, <paramref name="count"/>), on the
    /// calling thread and on up to <paramref name="helpersWanted"/> helpers; returns when all are done.</summary>
    public void Run(int count, int helpersWanted, Action<int> work)
    {
        var offered = Math.Min(Math.Min(helpersWanted, helpers.Length), count - 1);
        if (offered <= 0)
        {
            for (var i = 0; i < count; i++) work(i);
            return;
        }
        body = work;
        items = count;
        Volatile.Write(ref next, 0);
        for (var h = 0; h < offered; h++)
        {
            Volatile.Write(ref state[h], Offered);
            start[h].Release();
        }
        Work();
        for (var h = 0; h < offered; h++)
        {
            // A helper that has not claimed its offer yet never will: withdraw it. One that has is running
            // its last item: wait for it.
            if (Interlocked.CompareExchange(ref state[h], Idle, Offered) == Offered) continue;
            var spin = new SpinWait();
            while (Volatile.Read(ref state[h]) != Done) spin.SpinOnce();
            Volatile.Write(ref state[h], Idle);
        }
        body = null;
    }

    private void Work()
    {
        for (int i; (i = Interlocked.Increment(ref next) - 1) < items;) body!(i);
    }

    private void Loop(int helper)
    {
        while (true)
        {
            start[helper].Wait();
            if (stopping) return;
            if (Interlocked.CompareExchange(ref state[helper], Claimed, Offered) != Offered) continue; // withdrawn
            Work();
            Volatile.Write(ref state[helper], Done);
        }
    }

    public void Dispose()
    {
        stopping = true;
        foreach (var s in start) s.Release();
        foreach (var t in helpers) t.Join();
        foreach (var s in start) s.Dispose();
    }
}
