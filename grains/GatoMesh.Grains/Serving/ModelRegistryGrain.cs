using GatoMesh.Model;

namespace GatoMesh.Grains.Serving;

[GenerateSerializer, Alias("gatomesh.RegistryState")]
public sealed class RegistryState
{
    [Id(0)] public ModelVersion? Deployed { get; set; }
}

/// <summary>
/// The cluster's deployed version, persisted (Redis in a cluster), so a restarted silo serves what
/// was deployed. Inference grains pull from it (<see cref="InferenceGrain"/>); nothing is pushed,
/// so a silo that was down during a deployment catches up by itself.
/// </summary>
internal sealed class ModelRegistryGrain(
    [PersistentState("registry", ServingOptions.StorageName)] IPersistentState<RegistryState> state, ModelHost host) : Grain, IModelRegistryGrain
{
    public async Task<DeployReply> Deploy(DeployRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Checkpoint))
            return new DeployReply(null, "checkpoint: must name a checkpoint directory");
        var dir = Path.GetFullPath(request.Checkpoint);
        GatoConfig config;
        try
        {
            config = Checkpoint.ReadConfig(dir);
            if (!File.Exists(Path.Combine(dir, Checkpoint.WeightsFile)))
                return new DeployReply(null, $"checkpoint = {dir}: no {Checkpoint.WeightsFile}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidConfigException or System.Text.Json.JsonException)
        {
            return new DeployReply(null, $"checkpoint = {dir}: {e.Message}");
        }
        // Every silo serves the same architecture (the engine swaps weights, not shapes).
        var served = host.Config;
        if (config with { Preset = served.Preset } != served)
            return new DeployReply(null, $"checkpoint = {dir}: its shapes ({config.Preset}) differ from the served model's ({served.Preset})");
        var revision = (state.State.Deployed?.Revision ?? 0) + 1;
        var id = string.IsNullOrWhiteSpace(request.Id) ? $"{Path.GetFileName(dir.TrimEnd('/'))}@{revision}" : request.Id;
        state.State.Deployed = new ModelVersion(id, dir, config.Preset, revision, DateTimeOffset.UtcNow);
        await state.WriteStateAsync();
        return new DeployReply(state.State.Deployed, null);
    }

    public Task<ModelVersion?> Current() => Task.FromResult(state.State.Deployed);
}
