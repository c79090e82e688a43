namespace GatoMesh.Torch.Distributed;

/// <summary>How <see cref="ProcessGroup.AllReduce"/> combines the ranks' tensors.</summary>
public enum ReduceOp
{
    Sum = 0,

    /// <summary>The sum divided by the world size (Gloo has no average of its own).</summary>
    Average = 1,
}
