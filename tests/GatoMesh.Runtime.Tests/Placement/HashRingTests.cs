using FsCheck;
using FsCheck.Fluent;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Placement;

namespace GatoMesh.Runtime.Tests.Placement;

public sealed class HashRingTests
{
    private static readonly SiloAddress A = new("127.0.0.1", 11111, 1);
    private static readonly SiloAddress B = new("127.0.0.1", 11112, 2);
    private static readonly SiloAddress C = new("127.0.0.1", 11113, 3);

    [Fact]
    public void Every_silo_computes_the_same_owner_whatever_the_order_of_its_view()
    {
        var one = new HashRing([A, B, C]);
        var other = new HashRing([C, A, B]);
        Prop.ForAll<NonNull<string>>(key =>
            one.OwnerOf(new GrainId("T", key.Get)) == other.OwnerOf(new GrainId("T", key.Get))).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void When_a_silo_leaves_only_its_grains_move()
    {
        var before = new HashRing([A, B, C]);
        var after = new HashRing([A, C]);
        int moved = 0, owned = 0;
        for (int i = 0; i < 3000; i++)
        {
            var g = new GrainId("T", $"k{i}");
            var was = before.OwnerOf(g);
            if (was == B) owned++;
            if (was != after.OwnerOf(g))
            {
                Assert.Equal(B, was);
                moved++;
            }
        }
        Assert.Equal(owned, moved);
        // 64 points per silo keep the load within a loose band of a third each.
        Assert.InRange(owned, 600, 1400);
    }
}
