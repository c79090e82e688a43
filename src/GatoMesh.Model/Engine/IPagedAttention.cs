namespace GatoMesh.Model.Engine;

/// <summary>An attention backend over the engine's paged KV cache: told each iteration's rows (their
/// chunks, new slots and live keys) once, then called by every block of the forward pass.</summary>
internal interface IPagedAttention : IAttentionBackend, IDisposable
{
    /// <summary>The iteration's plan: rows in plan order, chunk by chunk.</summary>
    void Begin(BatchPlan plan);
}
