namespace GatoMesh.Model.Tests;

/// <summary>
/// Trainer tests share one generated dataset. They need not run alone: dropout draws from each model's
/// own generator, so tests running beside them cannot shift a trainer's masks (exact resume).
/// </summary>
[CollectionDefinition(Name)]
public sealed class TrainerCollection : ICollectionFixture<TrainerDataset>
{
    public const string Name = "trainer";
}
