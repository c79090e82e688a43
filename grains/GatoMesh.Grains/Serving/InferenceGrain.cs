using GatoMesh.Model.Engine;
using GatoMesh.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// Owns nothing heavy itself: the engine and weights belong to the silo's <see cref="ModelHost"/>
/// (so an idle deactivation does not drop every cache). What it adds is the cluster's view: it
/// follows the <see cref="IModelRegistryGrain"/> (checked when activated and then every
/// <see cref="ServingOptions.RegistryPollPeriod"/>) and hot-swaps the weights when a new version is
/// deployed. Turns never run a forward pass (ARCHITECTURE.md): Act awaits the engine thread.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
public sealed class InferenceGrain : Grain, IInferenceGrain
{
    private ModelHost _host = null!;
    private ILogger _log = null!;
    private int _following;

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        _host = Services.GetRequiredService<ModelHost>();
        _log = Services.GetRequiredService<ILoggerFactory>().CreateLogger<InferenceGrain>();
        var options = Services.GetRequiredService<ServingOptions>();
        await FollowRegistryAsync();
        RegisterTimer(_ => FollowRegistryAsync(), options.RegistryPollPeriod, options.RegistryPollPeriod);
    }

    public async Task<InferenceReply> Act(ActRequest request)
    {
        var result = await _host.Engine.ActAsync(request);
        return new InferenceReply(result, result is ActResult.Action a ? _host.VersionOf(a.ModelGeneration) : _host.Current);
    }

    public Task Release(string sequenceId)
    {
        _host.Engine.ReleaseSequence(sequenceId);
        return Task.CompletedTask;
    }

    public async Task<ModelVersion> Version()
    {
        await FollowRegistryAsync();
        return _host.Current;
    }

    /// <summary>Loads the registry's version if it is newer than the served one. One catch-up at a
    /// time (the grain is reentrant); a version that fails to load is logged and retried at the next
    /// poll, while the previous weights keep serving.</summary>
    private async Task FollowRegistryAsync()
    {
        if (Interlocked.Exchange(ref _following, 1) == 1) return;
        try
        {
            var deployed = await GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).Current();
            if (deployed is not null && deployed.Revision > _host.Current.Revision)
                await _host.ApplyAsync(deployed);
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "could not follow the model registry; still serving {Version}", _host.Current.Id);
        }
        finally
        {
            Volatile.Write(ref _following, 0);
        }
    }
}
