namespace GatoMesh.Runtime;

/// <summary>A per-silo worker grain: always placed on the calling silo, with up to
/// <see cref="MaxLocalActivations"/> activations of the same id on each silo (Orleans' StatelessWorker).
/// Used for work that belongs to a machine, such as inference.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StatelessWorkerAttribute(int maxLocalActivations = 1) : Attribute
{
    public int MaxLocalActivations { get; } = maxLocalActivations;
}
