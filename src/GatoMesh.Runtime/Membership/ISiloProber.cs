namespace GatoMesh.Runtime.Membership;

/// <summary>
/// Asks another silo whether it is alive (Orleans' ping). The transport implements it with a ping
/// message that the target answers only if <see cref="SiloAddress.Generation"/> is its own, so a
/// restarted process on the same address does not vouch for its dead predecessor.
/// </summary>
public interface ISiloProber
{
    /// <summary>True if <paramref name="target"/> answered. A failure, an exception or a cancellation
    /// (the agent cancels after the probe timeout) counts as a missed probe.</summary>
    Task<bool> ProbeAsync(SiloAddress target, CancellationToken cancellation);
}
