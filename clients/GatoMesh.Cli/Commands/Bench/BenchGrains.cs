using Orleans.Placement;

namespace GatoMesh.Cli.Commands.Bench;

// The grains `gatomesh bench runtime` measures Orleans with: the cheapest possible calls, so the figures
// are the runtime's (messaging, scheduling, serialization, directory), not a grain's work. They are part
// of every `gatomesh silo` process (this assembly is its entry point) and do nothing unless called.
// They are placed at random: Orleans' default (resource-optimized) placement puts a grain first called from
// a silo on that silo, so the echo grains of one caller would all be local and the counters would crowd the
// silos that answered first; random placement spreads every kind evenly, as a hash ring would.

/// <summary>A counter: the grains the benchmark activates, kills the silos of, and checks for duplicates.</summary>
[Alias("gatomesh.bench.ICounterGrain")]
internal interface IBenchCounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);
}

[RandomPlacement]
internal sealed class BenchCounterGrain : Grain, IBenchCounterGrain
{
    private int value;

    public Task<int> Add(int amount) => Task.FromResult(this.value += amount);
}

/// <summary>The cheapest grain call there is.</summary>
[Alias("gatomesh.bench.IEchoGrain")]
internal interface IBenchEchoGrain : IGrainWithStringKey
{
    Task<int> Next(int value);

    /// <summary>The silo this activation lives on.</summary>
    Task<string> Where();
}

[RandomPlacement]
internal sealed class BenchEchoGrain : Grain, IBenchEchoGrain
{
    public Task<int> Next(int value) => Task.FromResult(value + 1);

    public Task<string> Where() => Task.FromResult(RuntimeIdentity);
}

/// <summary>Calls echo grains from inside its turns: grain-to-grain calls on its own silo or across silos.</summary>
[Alias("gatomesh.bench.ICallerGrain")]
internal interface IBenchCallerGrain : IGrainWithStringKey
{
    /// <summary>Makes <paramref name="calls"/> calls to echo grains on this caller's silo (<paramref name="remote"/>
    /// false) or on other silos (true), <paramref name="parallel"/> in flight; returns the calls made.</summary>
    Task<int> Hammer(bool remote, int calls, int parallel);
}

[RandomPlacement]
internal sealed class BenchCallerGrain : Grain, IBenchCallerGrain
{
    public async Task<int> Hammer(bool remote, int calls, int parallel)
    {
        var key = this.GetPrimaryKeyString();
        var candidates = Enumerable.Range(0, 96).Select(i => GrainFactory.GetGrain<IBenchEchoGrain>($"echo-{key}-{i}")).ToArray();
        var places = await Task.WhenAll(candidates.Select(c => c.Where()));
        var targets = candidates.Where((_, i) => (places[i] != RuntimeIdentity) == remote).ToArray();
        if (targets.Length == 0)
            throw new InvalidOperationException($"caller {key}: none of its {candidates.Length} echo grains lives {(remote ? "on another silo" : "on its own silo")}");
        var done = 0;
        var batch = new Task<int>[parallel];
        while (done < calls)
        {
            var n = Math.Min(parallel, calls - done);
            for (var i = 0; i < n; i++) batch[i] = targets[(done + i) % targets.Length].Next(i);
            for (var i = 0; i < n; i++) await batch[i];
            done += n;
        }
        return done;
    }
}
