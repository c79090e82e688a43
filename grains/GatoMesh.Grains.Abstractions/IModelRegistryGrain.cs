namespace GatoMesh.Grains;

/// <summary>
/// The deployed model of a cluster (key <see cref="Key"/>). Deploying a checkpoint makes every
/// inference grain load it and serve new steps with it; every step reply names the version that
/// produced it. Before any deployment the silos serve the model they were started with
/// (<see cref="ModelVersion.Revision"/> 0).
/// </summary>
[Alias("gatomesh.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithStringKey
{
    public const string Key = "default";

    /// <summary>Records <paramref name="request"/> as the deployed version (revision + 1). The
    /// checkpoint's config is checked here (readable, same shapes as served); its weights are loaded
    /// by each inference grain, which keeps serving the previous version until they are.</summary>
    [RequiresAdmin]
    Task<DeployReply> Deploy(DeployRequest request);

    /// <summary>The deployed version, or null when nothing was deployed (silos serve their startup model).</summary>
    Task<ModelVersion?> Current();
}

/// <param name="Checkpoint">A checkpoint directory (config.json + model.safetensors) every silo can read.</param>
/// <param name="Id">The version's name in replies; null: derived from the directory and revision.</param>
[GenerateSerializer, Alias("gatomesh.DeployRequest")]
public sealed record DeployRequest([property: Id(0)] string Checkpoint, [property: Id(1)] string? Id = null);

[GenerateSerializer, Alias("gatomesh.DeployReply")]
public sealed record DeployReply([property: Id(0)] ModelVersion? Version, [property: Id(1)] string? Error);

/// <param name="Id">What step replies carry.</param>
/// <param name="Checkpoint">Directory of the weights; null for a silo's startup model.</param>
/// <param name="Revision">0 for the startup model, then 1, 2, ... per deployment.</param>
[GenerateSerializer, Alias("gatomesh.ModelVersion")]
public sealed record ModelVersion([property: Id(0)] string Id, [property: Id(1)] string? Checkpoint, [property: Id(2)] string Preset,
    [property: Id(3)] long Revision, [property: Id(4)] DateTimeOffset DeployedAt);
