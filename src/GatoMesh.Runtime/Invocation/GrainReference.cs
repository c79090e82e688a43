namespace GatoMesh.Runtime.Invocation;

/// <summary>Base of the generated proxies: a grain's identity plus the caller that carries its calls.</summary>
public abstract class GrainReference
{
    private readonly GrainCaller _caller;

    protected GrainReference(GrainCaller caller, GrainId grainId)
    {
        _caller = caller;
        GrainId = grainId;
    }

    public GrainId GrainId { get; }

    /// <summary>Where the last call through this reference went (see Hosting.RouteCache); only a hint,
    /// revalidated on every call.</summary>
    internal object? RoutingCache;

    protected Task<T> InvokeAsync<T>(GrainRequest<T> request) => _caller.InvokeAsync(this, request);

    public override string ToString() => GrainId.ToString();
}
