namespace GatoMesh.Model.Engine;

/// <summary>
/// Dedicated helper threads (never the thread pool: ARCHITECTURE.md, "Serving path") that share the
/// engine thread's in-place attention rows. Torch runs single-threaded in the engine (MACHINE.md),
/// so during attention the other cores would idle. <see cref="Run"/> splits [0, rows) into one
/// contiguous range per thread; the calling thread takes the first and waits for the rest.
/// </summary>
internal sealed class AttentionWorkers : IDisposable
{
    private readonly Thread[] helpers;
    private readonly SemaphoreSlim[] start;
    private readonly CountdownEvent done = new(0);
    private Action<int, int, int>? body; // (worker, first row, end row)
    private int rows;
    private volatile bool stopping;

    public AttentionWorkers(int threads)
    {
        Threads = Math.Max(1, threads);
        helpers = new Thread[Threads - 1];
        start = new SemaphoreSlim[Threads - 1];
        for (var i = 0; i < helpers.Length; i++)
        {
            var worker = i + 1;
            start[i] = new SemaphoreSlim(0);
            helpers[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"gatomesh-attention-{worker}" };
            helpers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>Runs <paramref name="work"/>(worker, first, end) over [0, <paramref name="count"/>) in
    /// contiguous ranges; below <paramref name="minimumPerThread"/> rows per thread it runs inline.</summary>
    public void Run(int count, int minimumPerThread, Action<int, int, int> work)
    {
        var threads = Math.Min(Threads, Math.Max(1, count / Math.Max(1, minimumPerThread)));
        if (threads == 1)
        {
            work(0, 0, count);
            return;
        }
        body = work;
        rows = count;
        done.Reset(threads - 1);
        for (var i = 0; i < threads - 1; i++) start[i].Release();
        var (first, end) = Range(0, threads, count);
        work(0, first, end);
        done.Wait();
        body = null;
    }

    private void Loop(int worker)
    {
        while (true)
        {
            start[worker - 1].Wait();
            if (stopping) return;
            var threads = done.InitialCount + 1;
            var (first, end) = Range(worker, threads, rows);
            body!(worker, first, end);
            done.Signal();
        }
    }

    private static (int First, int End) Range(int worker, int threads, int count) =>
        ((int)((long)count * worker / threads), (int)((long)count * (worker + 1) / threads));

    public void Dispose()
    {
        stopping = true;
        foreach (var s in start) s.Release();
        foreach (var t in helpers) t.Join();
        foreach (var s in start) s.Dispose();
        done.Dispose();
    }
}
