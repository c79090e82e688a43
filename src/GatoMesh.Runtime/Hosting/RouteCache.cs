using GatoMesh.Runtime.Activation;
using GatoMesh.Runtime.Invocation;
using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Placement;

namespace GatoMesh.Runtime.Hosting;

/// <summary>
/// What routing a call through one grain reference found, kept on the reference: valid while the ring is
/// the same object (a view change makes a new ring) and, for the activation, while it is not Invalid.
/// A stale hint is harmless: an activation that died under a call redispatches it.
/// </summary>
internal sealed class RouteCache(HashRing ring, GrainClassRegistration? grainClass, SiloAddress owner)
{
    public HashRing Ring { get; } = ring;
    public GrainClassRegistration? Class { get; } = grainClass;
    public SiloAddress Owner { get; } = owner;
    public ActivationData? Activation { get; set; }
}
