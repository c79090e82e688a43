using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.TestGrains;

namespace GatoMesh.Runtime.Tests.Activation;

/// <summary>Turn-based execution: one turn at a time per activation, opt-in interleaving, timeouts.</summary>
public sealed class TurnTests : IAsyncLifetime
{
    private SiloHost _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloHost.StartAsync(new SiloOptions());
    }

    public async Task DisposeAsync() => await _silo.StopAsync();

    [Fact]
    public async Task A_non_reentrant_grain_runs_one_request_at_a_time()
    {
        var probe = _silo.GrainFactory.GetGrain<ITurnProbeGrain>("serial");
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => probe.Enter(5)));
        var observed = await probe.Observed();
        Assert.Equal(1, observed[0]);
        Assert.Equal(1, observed[1]);
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_requests_but_never_runs_them_in_parallel()
    {
        var probe = _silo.GrainFactory.GetGrain<IReentrantProbeGrain>("interleaved");
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => probe.Enter(30)));
        var observed = await probe.Observed();
        Assert.True(observed[0] > 1, $"expected interleaving, saw at most {observed[0]} requests inside");
        Assert.Equal(1, observed[1]);
    }

    [Fact]
    public async Task A_call_cycle_between_non_reentrant_grains_ends_in_a_typed_timeout()
    {
        await using var silo = await SiloHost.StartAsync(new SiloOptions { CallTimeout = TimeSpan.FromSeconds(2) });
        var a = silo.GrainFactory.GetGrain<ICallerGrain>("cycle-a");
        var e = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => a.PingPong("cycle-b"));
        Assert.Equal(TimeSpan.FromSeconds(2), e.Timeout);
    }

    [Fact]
    public async Task An_exception_thrown_by_grain_code_reaches_the_caller_and_the_grain_keeps_serving()
    {
        var counter = _silo.GrainFactory.GetGrain<ICounterGrain>("faulty");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => counter.Fail("bad input 42"));
        Assert.Equal("bad input 42", e.Message);
        Assert.Equal("faulty:still here", await counter.Echo("still here"));
    }

    [Fact]
    public async Task Grain_to_grain_calls_reach_one_activation_per_key()
    {
        var caller = _silo.GrainFactory.GetGrain<ICallerGrain>("fan");
        Assert.Equal(50, await caller.FanOut("fan-target", 50));
        Assert.Equal(100, await caller.FanOut("fan-target", 50));
        Assert.Equal(2, await _silo.GrainFactory.GetGrain<ICounterGrain>("fan-target-7").Get());
    }

    [Fact]
    public async Task Sustained_grain_to_grain_calls_all_complete_with_no_lost_wakeup()
    {
        // 4 callers x 25,000 calls, 64 in flight each, all on one silo: an activation whose loop missed a
        // wake-up would leave its caller waiting until the call timeout, failing the test. The timeout is
        // generous so that a slow, shared machine is not mistaken for a hang.
        await using var silo = await SiloHost.StartAsync(new SiloOptions { CallTimeout = TimeSpan.FromSeconds(20) });
        var callers = Enumerable.Range(0, 4).Select(i => silo.GrainFactory.GetGrain<ICallerGrain>($"stress-{i}")).ToArray();
        var done = await Task.WhenAll(callers.Select(c => c.Hammer(false, 25_000, 64)));
        Assert.All(done, n => Assert.Equal(25_000, n));
    }
}
