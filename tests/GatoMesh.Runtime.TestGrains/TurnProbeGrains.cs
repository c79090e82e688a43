using GatoMesh.Runtime;

namespace GatoMesh.Runtime.TestGrains;

/// <summary>Measures how requests overlap: how many were inside a call at once (interleaving) and how
/// many threads ran grain code at the same instant (parallelism, which must never exceed one).</summary>
public interface ITurnProbeGrain : IGrainWithStringKey
{
    Task Enter(int delayMs);

    /// <summary>(most requests inside at once, most threads running grain code at once).</summary>
    Task<int[]> Observed();
}

/// <summary>The same probe on a grain class marked [Reentrant].</summary>
public interface IReentrantProbeGrain : IGrainWithStringKey
{
    Task Enter(int delayMs);

    Task<int[]> Observed();
}

public abstract class ProbeGrainBase : Grain
{
    private int _inside;
    private int _maxInside;
    private int _running;
    private int _maxRunning;

    public async Task Enter(int delayMs)
    {
        _inside++;
        _maxInside = Math.Max(_maxInside, _inside);
        Busy();
        await Task.Delay(delayMs);
        Busy();
        _inside--;
    }

    /// <summary>A stretch of synchronous grain code: detects a second thread inside it.</summary>
    private void Busy()
    {
        int now = Interlocked.Increment(ref _running);
        _maxRunning = Math.Max(_maxRunning, now);
        Thread.SpinWait(2_000);
        Interlocked.Decrement(ref _running);
    }

    public Task<int[]> Observed() => Task.FromResult(new[] { _maxInside, _maxRunning });
}

public sealed class TurnProbeGrain : ProbeGrainBase, ITurnProbeGrain;

[Reentrant]
public sealed class ReentrantProbeGrain : ProbeGrainBase, IReentrantProbeGrain;
