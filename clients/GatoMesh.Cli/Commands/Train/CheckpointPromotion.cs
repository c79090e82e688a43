using GatoMesh.Grains;
using GatoMesh.Runtime.Client;

namespace GatoMesh.Cli;

/// <summary>Deploys a checkpoint to a running serving cluster through one of its gateways (issue 8,
/// "Deployment"): the registry checks it and every inference grain hot-swaps to it.</summary>
internal static class CheckpointPromotion
{
    public static async Task<ModelVersion> DeployAsync(string gateway, string checkpoint)
    {
        await using var client = new ClusterClient(new ClientOptions { Gateways = [gateway] });
        var reply = await client.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).Deploy(new DeployRequest(Path.GetFullPath(checkpoint)));
        return reply.Version ?? throw new TrainingJobFailedException($"--promote = {gateway}: the registry refused {checkpoint}: {reply.Error}");
    }
}
