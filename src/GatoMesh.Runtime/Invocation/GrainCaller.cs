namespace GatoMesh.Runtime.Invocation;

/// <summary>What a grain reference sends its calls through: the silo runtime (calls from grains and
/// in-process code) or a cluster client (calls through a gateway). Opaque outside the runtime.</summary>
public abstract class GrainCaller
{
    private protected GrainCaller()
    {
    }

    internal abstract Task<T> InvokeAsync<T>(GrainReference target, GrainRequest<T> request);
}
