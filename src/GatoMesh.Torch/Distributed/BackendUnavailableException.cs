namespace GatoMesh.Torch.Distributed;

/// <summary>The loaded libgatomesh_torch cannot create a group on this backend (NCCL without a CUDA
/// libtorch, or Gloo in a build that found no gloo headers).</summary>
public sealed class BackendUnavailableException(Backend backend, string message) : Exception(message)
{
    public Backend Backend { get; } = backend;
}
