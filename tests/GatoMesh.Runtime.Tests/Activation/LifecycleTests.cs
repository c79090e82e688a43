using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.Storage;
using GatoMesh.Runtime.TestGrains;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Activation;

/// <summary>Activation, deactivation, idle collection, timers, persistent state and worker grains.</summary>
public sealed class LifecycleTests
{
    private static int CountJournal(string entry) => LifecycleGrain.Journal.Count(e => e == entry);

    [Fact]
    public async Task An_idle_activation_is_deactivated_and_the_next_call_activates_a_fresh_one()
    {
        await using var silo = await SiloHost.StartAsync(new SiloOptions { IdleDeactivationAge = TimeSpan.FromSeconds(2) });
        var grain = silo.GrainFactory.GetGrain<ILifecycleGrain>("idle-1");
        string first = await grain.Touch();
        Assert.Equal(first, await grain.Touch());
        await Eventually.True(() => CountJournal("deactivate idle-1") == 1, "idle deactivation of idle-1");
        Assert.DoesNotContain(silo.LocalActivations(), g => g.Key == "idle-1");
        Assert.NotEqual(first, await grain.Touch());
        Assert.Equal(2, CountJournal("activate idle-1"));
    }

    [Fact]
    public async Task A_timer_ticks_as_turns_and_stops_with_its_activation()
    {
        await using var silo = await SiloHost.StartAsync(new SiloOptions { IdleDeactivationAge = TimeSpan.FromSeconds(2) });
        var grain = silo.GrainFactory.GetGrain<ILifecycleGrain>("timer-1");
        await grain.StartTimer(20);
        await Eventually.True(() => CountJournal("tick timer-1") >= 3, "three ticks");
        // Ticks do not count as activity: the grain is still collected when no call comes.
        await Eventually.True(() => CountJournal("deactivate timer-1") == 1, "idle deactivation despite the timer");
        int ticksAtDeactivation = CountJournal("tick timer-1");
        await Eventually.True(() => !silo.LocalActivations().Any(g => g.Key == "timer-1"), "activation gone");
        Assert.Equal(0, await grain.Ticks());
        Assert.Equal(ticksAtDeactivation, CountJournal("tick timer-1"));
    }

    [Fact]
    public async Task Persistent_state_survives_deactivation_and_a_stale_etag_cannot_overwrite_it()
    {
        var storage = new MemoryGrainStorage();
        await using var silo = await SiloHost.StartAsync(new SiloOptions { Storage = storage });
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>("persisted");
        Assert.Equal(5, await counter.Add(5));
        string? etag = await counter.GetETag();
        Assert.NotNull(etag);
        await counter.Deactivate();
        await Eventually.True(() => !silo.LocalActivations().Any(g => g.Key == "persisted"), "deactivation");
        Assert.Equal(8, await counter.Add(3));
        Assert.NotEqual(etag, await counter.GetETag());

        // A zombie activation still holding the old ETag is refused.
        var id = new GrainId(typeof(ICounterGrain).FullName!, "persisted");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(id, new byte[] { 1 }, etag));
        Assert.Equal(8, await counter.Get());
    }

    [Fact]
    public async Task A_stateless_worker_gets_several_local_activations_up_to_its_limit()
    {
        await using var silo = await SiloHost.StartAsync(new SiloOptions());
        var worker = silo.GrainFactory.GetGrain<IWorkerGrain>("pool");
        var served = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => worker.Work(20)));
        int distinct = served.Distinct().Count();
        Assert.InRange(distinct, 2, 3);
    }

    [Fact]
    public async Task A_stopping_silo_deactivates_its_grains_and_then_refuses_calls()
    {
        var silo = await SiloHost.StartAsync(new SiloOptions());
        var grain = silo.GrainFactory.GetGrain<ILifecycleGrain>("stop-1");
        await grain.Touch();
        await silo.StopAsync();
        Assert.Equal(1, CountJournal("deactivate stop-1"));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => grain.Touch());
        // Leaving on request is not a verdict of the cluster: a host must not treat it as one.
        Assert.False(silo.DeclaredDead.IsCompleted);
    }
}
