using GatoMesh.Runtime;

namespace GatoMesh.Runtime.TestGrains;

/// <summary>Calls other grains from inside its turns (grain-to-grain calls).</summary>
public interface ICallerGrain : IGrainWithStringKey
{
    /// <summary>Adds 1 to each of <paramref name="count"/> counters named prefix-i; returns the sum of results.</summary>
    Task<long> FanOut(string prefix, int count);

    /// <summary>Makes <paramref name="calls"/> calls to one counter, <paramref name="parallel"/> at a time.</summary>
    Task<int> Hammer(string counter, int calls, int parallel);

    /// <summary>Calls <paramref name="other"/>, which calls back into this grain: a cycle that a
    /// non-reentrant grain cannot serve, so it ends in a timeout.</summary>
    Task PingPong(string other);

    Task Pong(string back);
}

public sealed class CallerGrain : Grain, ICallerGrain
{
    public async Task<long> FanOut(string prefix, int count)
    {
        var calls = new Task<int>[count];
        for (int i = 0; i < count; i++)
            calls[i] = GrainFactory.GetGrain<ICounterGrain>($"{prefix}-{i}").Add(1);
        long sum = 0;
        foreach (var v in await Task.WhenAll(calls)) sum += v;
        return sum;
    }

    public async Task<int> Hammer(string counter, int calls, int parallel)
    {
        var target = GrainFactory.GetGrain<IEchoGrain>(counter);
        int done = 0;
        var batch = new Task<int>[parallel];
        while (done < calls)
        {
            int n = Math.Min(parallel, calls - done);
            for (int i = 0; i < n; i++) batch[i] = target.Next(i);
            for (int i = 0; i < n; i++) await batch[i];
            done += n;
        }
        return done;
    }

    public Task PingPong(string other) => GrainFactory.GetGrain<ICallerGrain>(other).Pong(Key);

    public Task Pong(string back) => GrainFactory.GetGrain<ICallerGrain>(back).Pong(Key);
}

/// <summary>The cheapest possible grain call (benchmarks, throughput tests).</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    Task<int> Next(int value);
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> Next(int value) => Task.FromResult(value + 1);
}
