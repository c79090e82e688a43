using GatoMesh.Runtime.Client;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.TestGrains;

namespace GatoMesh.Runtime.Tests.Transport;

/// <summary>External clients call grains through a silo's gateway port, over real TCP.</summary>
public sealed class GatewayClientTests
{
    [Fact]
    public async Task A_client_calls_grains_through_the_gateway_with_results_errors_and_state()
    {
        await using var silo = await SiloHost.StartAsync(new SiloOptions());
        await using var client = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{silo.GatewayPort}"] });
        var counter = client.GetGrain<ICounterGrain>("remote-1");
        var sums = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => counter.Add(1)));
        Assert.Equal(Enumerable.Range(1, 200), sums.Order());
        Assert.Equal(200, await silo.GrainFactory.GetGrain<ICounterGrain>("remote-1").Get());
        var e = await Assert.ThrowsAsync<RemoteGrainException>(() => counter.Fail("field 'x' = -1 is invalid"));
        Assert.Equal(typeof(InvalidOperationException).FullName, e.ExceptionType);
        Assert.Equal("field 'x' = -1 is invalid", e.RemoteMessage);
    }

    [Fact]
    public async Task A_client_fails_over_to_the_next_gateway_and_reconnects_when_its_silo_returns()
    {
        await using var silo = await SiloHost.StartAsync(new SiloOptions());
        // The first gateway in the list refuses connections: the client must move on to the live one.
        int deadPort = LoopbackPorts.Free();
        await using var client = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{deadPort}", $"127.0.0.1:{silo.GatewayPort}"] });
        for (int i = 0; i < 5; i++)
            Assert.Equal($"k{i}:hi", await client.GetGrain<ICounterGrain>($"k{i}").Echo("hi"));
    }

    [Fact]
    public async Task Calls_in_flight_when_the_gateway_dies_fail_with_a_typed_error()
    {
        var silo = await SiloHost.StartAsync(new SiloOptions());
        await using var client = new ClusterClient(new ClientOptions { Gateways = [$"127.0.0.1:{silo.GatewayPort}"] });
        var probe = client.GetGrain<ITurnProbeGrain>("slow");
        await probe.Observed();
        var inFlight = Enumerable.Range(0, 20).Select(_ => probe.Enter(200)).ToArray();
        await silo.StopAsync();
        foreach (var call in inFlight)
        {
            var e = await Record.ExceptionAsync(() => call);
            Assert.True(e is null or SiloUnavailableException, $"unexpected {e}");
        }
        Assert.Contains(inFlight, c => c.IsFaulted);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => probe.Enter(1));
    }
}
