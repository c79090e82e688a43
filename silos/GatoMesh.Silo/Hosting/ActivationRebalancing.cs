using Orleans.Configuration;

namespace GatoMesh.Silo.Hosting;

/// <summary>
/// Elastic serving (docs/DEPLOY.md, "Elastic"): Orleans' activation rebalancer moves session activations
/// from silos holding more than their share to silos holding less, so a silo added to a running cluster
/// takes over sessions that already run, not only new ones. A moved session reactivates from its stored
/// records on the new silo and resends its context once (the action is the same: docs/SERVING.md). Orleans'
/// defaults (first session after 60 s, a cycle every 15 s) suit clusters of many thousands of grains
/// that change slowly; a robot fleet wants a new silo used within tens of seconds.
/// </summary>
/// <param name="DueTime">How long after the rebalancer starts it runs its first session.</param>
/// <param name="CyclePeriod">Time between two migration cycles (over twice Orleans' 1 s load-report period).</param>
public sealed record ActivationRebalancing(TimeSpan DueTime, TimeSpan CyclePeriod)
{
    public static ActivationRebalancing Default { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5));

#pragma warning disable ORLEANSEXP002 // the rebalancer is marked experimental in Orleans 10
    internal void AddTo(ISiloBuilder silo)
    {
        silo.AddActivationRebalancer();
        silo.Configure<ActivationRebalancerOptions>(o =>
        {
            o.RebalancerDueTime = DueTime;
            o.SessionCyclePeriod = CyclePeriod;
        });
    }
#pragma warning restore ORLEANSEXP002
}
