using GatoMesh.Torch;
using GatoMesh.Torch.Distributed;

namespace GatoMesh.Model;

/// <summary>
/// ZeRO-1's split of the parameters over ranks: whole tensors, each given in model order to the rank
/// with the fewest elements so far (as torch's ZeroRedundancyOptimizer partitions), so every rank
/// computes the same owners from the parameter shapes alone. After each rank updated its own slice,
/// <see cref="AllGather"/> copies every slice to every rank.
/// </summary>
internal sealed class ParameterPartition
{
    readonly IReadOnlyList<(string Name, Tensor Tensor)> parameters;
    readonly int[] owners;
    readonly long[] shardElements;
    readonly int rank;

    public ParameterPartition(IReadOnlyList<(string Name, Tensor Tensor)> parameters, int rank, int worldSize)
    {
        this.parameters = parameters;
        this.rank = rank;
        owners = new int[parameters.Count];
        shardElements = new long[worldSize];
        for (var i = 0; i < parameters.Count; i++)
        {
            var least = 0;
            for (var r = 1; r < worldSize; r++)
                if (shardElements[r] < shardElements[least]) least = r;
            owners[i] = least;
            shardElements[least] += parameters[i].Tensor.Count;
        }
    }

    /// <summary>The parameters this rank updates.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> Owned => parameters.Where((_, i) => owners[i] == rank);

    public long OwnedElements => shardElements[rank];

    /// <summary>Every rank's updated slice into every rank's replica: each rank packs its own parameters into
    /// a buffer padded to the largest slice, one all-gather, then each copies the others' slices out.</summary>
    public void AllGather(ProcessGroup group)
    {
        var largest = shardElements.Max();
        using var scope = DisposeScope.Begin();
        using var noGrad = new NoGradScope();
        var mine = Tensor.Zeros([largest], parameters[0].Tensor.DType, parameters[0].Tensor.Device);
        long offset = 0;
        for (var i = 0; i < parameters.Count; i++)
        {
            if (owners[i] != rank) continue;
            var p = parameters[i].Tensor;
            mine.Narrow(0, offset, p.Count).CopyFrom(p.Detach().Contiguous().View(p.Count));
            offset += p.Count;
        }
        var all = group.AllGather(mine);  // [worldSize, largest]
        var offsets = new long[shardElements.Length];
        for (var i = 0; i < parameters.Count; i++)
        {
            var owner = owners[i];
            var p = parameters[i].Tensor;
            if (owner != rank)
                p.Detach().CopyFrom(all.Narrow(0, owner, 1).Reshape(largest).Narrow(0, offsets[owner], p.Count).View(p.Shape));
            offsets[owner] += p.Count;
        }
    }
}
