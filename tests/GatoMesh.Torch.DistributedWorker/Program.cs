// One rank of a loopback process group, driven by tests/GatoMesh.Torch.Tests/Distributed:
//   GatoMesh.Torch.DistributedWorker collectives HOST PORT RANK WORLD   the collectives script, checked here
//   GatoMesh.Torch.DistributedWorker leave HOST PORT RANK WORLD         join the group, then exit at once
// Exit code 0 when every check passed; otherwise the failure is on stderr and the exit code is 1.
using GatoMesh.Torch;
using GatoMesh.Torch.Distributed;

try
{
    var (mode, host, port, rank, world) = (args[0], args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
    using var group = ProcessGroup.Create(host, port, rank, world, TimeSpan.FromSeconds(60));
    if (mode == "leave") return 0;
    if (mode != "collectives") throw new ArgumentException($"unknown mode '{mode}'");
    Collectives.Run(group);
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(e);
    return 1;
}

/// <summary>The same sequence of collectives the test runs as rank 0, each result checked.</summary>
internal static class Collectives
{
    public static void Run(ProcessGroup group)
    {
        var r = group.Rank;
        var n = group.WorldSize;

        using var sum = Tensor.From<float>([r + 1, 10f * (r + 1)]);
        group.AllReduce(sum, ReduceOp.Sum);
        Expect("sum", [n * (n + 1) / 2f, 10f * n * (n + 1) / 2], sum.ToArray<float>());

        using var average = Tensor.From<float>([2f * r, 4f]);
        group.AllReduce(average, ReduceOp.Average);
        Expect("average", [n - 1f, 4f], average.ToArray<float>());

        using var ids = Tensor.From<long>([r + 1]);
        group.AllReduce(ids);
        Expect("int64 sum", [n * (n + 1L) / 2], ids.ToArray<long>());

        using var broadcast = r == 1 ? Tensor.From<float>([7f, 8f, 9f]) : Tensor.Zeros([3]);
        group.Broadcast(broadcast, root: 1);
        Expect("broadcast", [7f, 8f, 9f], broadcast.ToArray<float>());

        group.Barrier();

        using var piece = Tensor.From<float>([r, r + 0.5f]);
        using var gathered = group.AllGather(piece);
        Expect("all-gather shape", [(long)n, 2], gathered.Shape);
        Expect("all-gather", Enumerable.Range(0, n).SelectMany(i => new[] { i, i + 0.5f }).ToArray(), gathered.ToArray<float>());
    }

    private static void Expect<T>(string what, T[] expected, T[] actual)
    {
        if (!expected.SequenceEqual(actual))
            throw new InvalidOperationException($"{what}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }
}
