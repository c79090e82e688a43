using GatoMesh.Grains;

namespace GatoMesh.Cli;

/// <summary>Deploys a checkpoint to a running serving cluster (docs/DISTRIBUTED.md, "Deployment"), as its
/// operator: through a cluster client, with the cluster's admin credential. The registry checks it and
/// every inference grain hot-swaps to it.</summary>
internal static class CheckpointPromotion
{
    public static async Task<ModelVersion> DeployAsync(LocalCluster cluster, string checkpoint)
    {
        await using var clients = await ClusterClients.ConnectAsync(cluster);
        using var admin = AdminCredential.Present(cluster.AdminKey());
        var reply = await clients.Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).Deploy(new DeployRequest(Path.GetFullPath(checkpoint)));
        return reply.Version ?? throw new TrainingJobFailedException($"--promote: cluster {cluster.ClusterId} refused {checkpoint}: {reply.Error}");
    }
}
