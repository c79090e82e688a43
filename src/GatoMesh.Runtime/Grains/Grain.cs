using GatoMesh.Runtime.Activation;
using GatoMesh.Runtime.Storage;

namespace GatoMesh.Runtime;

/// <summary>
/// Base of every grain class. One activation runs one turn at a time (see <see cref="ReentrantAttribute"/>
/// for interleaving); the runtime creates the instance with its parameterless constructor, calls
/// <see cref="OnActivateAsync"/> before the first request and <see cref="OnDeactivateAsync"/> when the
/// activation is collected (idle, moved away by a membership change, or the silo stops).
/// </summary>
public abstract class Grain
{
    private ActivationData? _activation;

    internal ActivationData Activation =>
        _activation ?? throw new InvalidOperationException("grain is not activated yet: use OnActivateAsync, not the constructor");

    internal void Attach(ActivationData activation) => _activation = activation;

    public GrainId GrainId => Activation.GrainId;

    /// <summary>The silo incarnation this activation lives on.</summary>
    protected Membership.SiloAddress Silo => Activation.Runtime.Self;

    /// <summary>The grain's string key.</summary>
    protected string Key => GrainId.Key;

    /// <summary>References to other grains; calls from here run as part of this grain's turn.</summary>
    protected IGrainFactory GrainFactory => Activation.Runtime.GrainFactory;

    /// <summary>The silo's services (<see cref="Hosting.SiloOptions.Services"/>): what a grain needs
    /// from the machine it runs on, such as a per-silo inference engine. Orleans injects these into
    /// constructors; ours are read here so grain classes keep a parameterless constructor.</summary>
    protected IServiceProvider Services =>
        Activation.Runtime.Options.Services ?? throw new InvalidOperationException("this silo was started without SiloOptions.Services");

    public virtual Task OnActivateAsync(CancellationToken cancellation) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(CancellationToken cancellation) => Task.CompletedTask;

    /// <summary>
    /// Calls <paramref name="callback"/> after <paramref name="dueTime"/> and then every
    /// <paramref name="period"/> (Timeout.InfiniteTimeSpan: once) as a turn of this activation; the next
    /// tick is scheduled only after the previous one finished. Ticks do not keep the grain from being
    /// collected when idle; the timer dies with the activation or when the result is disposed.
    /// </summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Activation.RegisterTimer(callback, dueTime, period);

    /// <summary>Asks the runtime to deactivate this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivation();

    /// <summary>Grains with persistent state read it here, before <see cref="OnActivateAsync"/>.</summary>
    private protected virtual Task LoadStateAsync(IGrainStorage storage, CancellationToken cancellation) => Task.CompletedTask;

    internal Task LoadState(IGrainStorage storage, CancellationToken cancellation) => LoadStateAsync(storage, cancellation);
}
