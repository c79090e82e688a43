using GatoMesh.Runtime.Storage;

namespace GatoMesh.Runtime.Tests.Storage;

/// <summary>The storage conformance suite against the embedded in-memory provider; each test gets a new store.</summary>
public sealed class MemoryGrainStorageConformance : GrainStorageConformance
{
    protected override IGrainStorage CreateStorage() => new MemoryGrainStorage();
}
