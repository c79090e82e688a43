using GatoMesh.Runtime;

namespace GatoMesh.Runtime.TestGrains;

/// <summary>Calls other grains from inside its turns (grain-to-grain calls).</summary>
public interface ICallerGrain : IGrainWithStringKey
{
    /// <summary>Adds 1 to each of <paramref name="count"/> counters named prefix-i; returns the sum of results.</summary>
    Task<long> FanOut(string prefix, int count);

    /// <summary>Makes <paramref name="calls"/> calls to echo grains on this caller's own silo
    /// (<paramref name="remote"/> false) or on other silos (true), <paramref name="parallel"/> in flight;
    /// returns the calls made (0 if no such echo grain was found among the candidates).</summary>
    Task<int> Hammer(bool remote, int calls, int parallel);

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

    public async Task<int> Hammer(bool remote, int calls, int parallel)
    {
        string here = Silo.ToString();
        var candidates = Enumerable.Range(0, 96).Select(i => GrainFactory.GetGrain<IEchoGrain>($"echo-{Key}-{i}")).ToArray();
        var places = await Task.WhenAll(candidates.Select(c => c.Where()));
        var targets = candidates.Where((_, i) => (places[i] != here) == remote).ToArray();
        if (targets.Length == 0) return 0;
        int done = 0;
        var batch = new Task<int>[parallel];
        while (done < calls)
        {
            int n = Math.Min(parallel, calls - done);
            for (int i = 0; i < n; i++) batch[i] = targets[(done + i) % targets.Length].Next(i);
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

    /// <summary>The silo this activation lives on.</summary>
    Task<string> Where();
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> Next(int value) => Task.FromResult(value + 1);

    public Task<string> Where() => Task.FromResult(Silo.ToString());
}
