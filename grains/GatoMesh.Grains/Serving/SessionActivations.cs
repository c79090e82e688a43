namespace GatoMesh.Grains.Serving;

/// <summary>How many episode sessions are active on this silo now (its /health and its share of the
/// cluster's sessions). One per silo, in the silo's services.</summary>
public sealed class SessionActivations
{
    private int count;

    public int Count => Volatile.Read(ref count);

    internal void Activated() => Interlocked.Increment(ref count);

    internal void Deactivated() => Interlocked.Decrement(ref count);
}
