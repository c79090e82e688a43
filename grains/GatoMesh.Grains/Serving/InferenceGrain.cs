using GatoMesh.Model.Engine;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// Owns nothing heavy itself: the engine and weights belong to the silo's <see cref="ModelHost"/>
/// (so an idle deactivation does not drop every cache). What it adds is the cluster's view: it
/// follows the <see cref="IModelRegistryGrain"/> (checked when activated and then every
/// <see cref="ServingOptions.RegistryPollPeriod"/>) and hot-swaps the weights when a new version is
/// deployed. Turns never run a forward pass (docs/ARCHITECTURE.md): Act awaits the engine thread.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class InferenceGrain(ModelHost host, ServingOptions options, ILogger<InferenceGrain> log) : Grain, IInferenceGrain
{
    private int following;

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        await FollowRegistryAsync();
        this.RegisterGrainTimer(FollowRegistryAsync, new GrainTimerCreationOptions(options.RegistryPollPeriod, options.RegistryPollPeriod) { Interleave = true });
    }

    public async Task<InferenceReply> Act(ActRequest request)
    {
        try
        {
            var result = await host.Engine.ActAsync(request);
            return new InferenceReply(result, result is ActResult.Action a ? host.VersionOf(a.ModelGeneration) : host.Current);
        }
        catch (InvalidActRequestException e)
        {
            return new InferenceReply(null, host.Current, e);
        }
    }

    public Task Release(string sequenceId)
    {
        host.Engine.ReleaseSequence(sequenceId);
        return Task.CompletedTask;
    }

    public async Task<ModelVersion> Version()
    {
        await FollowRegistryAsync();
        return host.Current;
    }

    /// <summary>Loads the registry's version if it is newer than the served one. One catch-up at a
    /// time (the grain is reentrant); a version that fails to load is logged and retried at the next
    /// poll, while the previous weights keep serving.</summary>
    private async Task FollowRegistryAsync()
    {
        if (Interlocked.Exchange(ref following, 1) == 1) return;
        try
        {
            var deployed = await GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).Current();
            if (deployed is not null && deployed.Revision > host.Current.Revision)
                await host.ApplyAsync(deployed);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "could not follow the model registry; still serving {Version}", host.Current.Id);
        }
        finally
        {
            Volatile.Write(ref following, 0);
        }
    }
}
