using GatoMesh.Runtime;

namespace GatoMesh.Grains;

/// <summary>
/// The deployed model of a cluster (key <see cref="Key"/>). Deploying a checkpoint makes every
/// inference grain load it and serve new steps with it; every step reply names the version that
/// produced it. Before any deployment the silos serve the model they were started with
/// (<see cref="ModelVersion.Revision"/> 0).
/// </summary>
public interface IModelRegistryGrain : IGrainWithStringKey
{
    public const string Key = "default";

    /// <summary>Records <paramref name="request"/> as the deployed version (revision + 1). The
    /// checkpoint's config is checked here (readable, same shapes as served); its weights are loaded
    /// by each inference grain, which keeps serving the previous version until they are.</summary>
    Task<DeployReply> Deploy(DeployRequest request);

    /// <summary>The deployed version, or null when nothing was deployed (silos serve their startup model).</summary>
    Task<ModelVersion?> Current();
}

/// <param name="Checkpoint">A checkpoint directory (config.json + model.safetensors) every silo can read.</param>
/// <param name="Id">The version's name in replies; null: derived from the directory and revision.</param>
public sealed record DeployRequest(string Checkpoint, string? Id = null);

public sealed record DeployReply(ModelVersion? Version, string? Error);

/// <param name="Id">What step replies carry.</param>
/// <param name="Checkpoint">Directory of the weights; null for a silo's startup model.</param>
/// <param name="Revision">0 for the startup model, then 1, 2, ... per deployment.</param>
public sealed record ModelVersion(string Id, string? Checkpoint, string Preset, long Revision, DateTimeOffset DeployedAt);
