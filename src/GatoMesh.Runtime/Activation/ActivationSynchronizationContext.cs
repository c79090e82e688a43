namespace GatoMesh.Runtime.Activation;

/// <summary>
/// Installed while an activation runs a turn, so every `await` in grain code resumes on the same
/// activation's queue (Orleans' ActivationTaskScheduler). This is what makes turns single-threaded
/// without locks: two continuations of one activation never run at the same time. Code that uses
/// ConfigureAwait(false) leaves the activation and must not touch grain fields afterwards.
/// </summary>
internal sealed class ActivationSynchronizationContext(ActivationData activation) : SynchronizationContext
{
    public ActivationData Activation { get; } = activation;

    public override void Post(SendOrPostCallback d, object? state) => Activation.Enqueue(new ContinuationItem(d, state));

    /// <summary>A synchronous hop onto the activation would deadlock a turn waiting on itself.</summary>
    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("synchronous Send onto a grain activation would block its turn; use Post");

    public override SynchronizationContext CreateCopy() => this;
}
