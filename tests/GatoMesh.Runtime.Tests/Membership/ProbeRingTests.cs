using GatoMesh.Runtime.Membership;

namespace GatoMesh.Runtime.Tests.Membership;

public sealed class ProbeRingTests
{
    private static SiloAddress[] Silos(int n) =>
        Enumerable.Range(0, n).Select(i => new SiloAddress("127.0.0.1", 11000 + i, 1000 + i)).ToArray();

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(10, 3)]
    [InlineData(10, 1)]
    public void Every_silo_is_probed_by_min_of_count_and_the_other_silos(int n, int count)
    {
        var silos = Silos(n);
        var watchers = silos.ToDictionary(s => s, _ => 0);

        foreach (var self in silos)
        {
            var targets = ProbeRing.TargetsOf(self, silos, count);
            Assert.DoesNotContain(self, targets);
            Assert.Equal(targets.Count, targets.Distinct().Count());
            Assert.Equal(Math.Min(count, n - 1), targets.Count);
            foreach (var target in targets)
                watchers[target]++;
        }

        Assert.All(watchers.Values, w => Assert.Equal(Math.Min(count, n - 1), w));
    }

    [Fact]
    public void The_ring_does_not_depend_on_the_order_silos_are_listed_in()
    {
        var silos = Silos(7);
        var self = silos[3];

        Assert.Equal(ProbeRing.TargetsOf(self, silos, 3), ProbeRing.TargetsOf(self, silos.Reverse(), 3));
    }

    [Fact]
    public void A_silo_not_yet_in_the_active_list_still_probes_its_successors()
    {
        var silos = Silos(5);
        var joining = new SiloAddress("127.0.0.1", 12000, 1);

        var targets = ProbeRing.TargetsOf(joining, silos, 3);

        Assert.Equal(3, targets.Count);
        Assert.All(targets, t => Assert.Contains(t, silos));
    }
}
