namespace GatoMesh.Torch.Nn;

/// <summary>A lookup table [count, dim]; PyTorch's default initialization N(0, 1).</summary>
public sealed class Embedding : Module
{
    public Embedding(long count, long dim, Generator? generator = null, DType dtype = DType.Float32, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        Weight = RegisterParameter("weight", OnDevice(Tensor.Empty([count, dim], dtype).NormalInPlace(0, 1, generator), device));
    }

    /// <summary>[count, dim].</summary>
    public Tensor Weight { get; }

    /// <summary>ids [...] (Int64 or Int32) -> [..., dim].</summary>
    public Tensor Forward(Tensor ids) => Functional.Embedding(ids, Weight);
}
