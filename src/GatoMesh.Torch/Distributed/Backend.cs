namespace GatoMesh.Torch.Distributed;

/// <summary>The collective-communication library behind a <see cref="ProcessGroup"/>
/// (docs/DISTRIBUTED.md, "Backends"). Numbered as the native shim expects.</summary>
public enum Backend
{
    /// <summary>Gloo over TCP: CPU tensors, every build with gloo headers.</summary>
    Gloo = 0,

    /// <summary>NCCL: CUDA tensors; needs a libtorch built with CUDA and c10d NCCL (not this build).</summary>
    Nccl = 1,
}
