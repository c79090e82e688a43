namespace GatoMesh.Model.Tests;

/// <summary>
/// Trainer tests run alone: dropout draws from libtorch's process-wide default generator, which the
/// trainer reseeds every step (exact resume depends on it), so no other test may draw from it or
/// reseed it meanwhile. The gatomesh process runs one trainer and nothing else, as here.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainerCollection : ICollectionFixture<TrainerDataset>
{
    public const string Name = "trainer";
}
