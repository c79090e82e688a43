using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GatoMesh.Runtime.Hosting;
using GatoMesh.Runtime.TestGrains;
using GatoMesh.Runtime.Tests.Fixtures;

namespace GatoMesh.Runtime.Tests.Metrics;

/// <summary>The meter is process-wide: this collection runs alone so other tests' calls do not mix in.</summary>
[CollectionDefinition(nameof(RuntimeMetricsTests), DisableParallelization = true)]
public sealed class MetricsCollection;

[Collection(nameof(RuntimeMetricsTests))]
public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task Calls_latency_activations_and_queue_depth_are_published_on_the_GatoMesh_Runtime_meter()
    {
        var totals = new ConcurrentDictionary<string, double>();
        var latencies = new ConcurrentBag<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "GatoMesh.Runtime") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "gatomesh.runtime.call.duration") latencies.Add(value);
        });
        listener.Start();

        await using (var silo = await SiloHost.StartAsync(new SiloOptions()))
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(i => silo.GrainFactory.GetGrain<ICounterGrain>($"metered-{i}").Add(1)));
            Assert.Equal(10, totals.GetValueOrDefault("gatomesh.runtime.calls"));
            Assert.Equal(10, latencies.Count);
            Assert.All(latencies, l => Assert.True(l >= 0));
            Assert.Equal(10, totals.GetValueOrDefault("gatomesh.runtime.activations"));
            // Every request queued was also started: the up-down counter is back at zero.
            Assert.Equal(0, totals.GetValueOrDefault("gatomesh.runtime.queue.depth"));
        }
        await Eventually.True(() => totals.GetValueOrDefault("gatomesh.runtime.activations") == 0, "activations back to zero after stop");
    }
}
