using System.Reflection;
using GatoMesh.Torch.Distributed;

namespace GatoMesh.Torch.Tests.Distributed;

/// <summary>Two processes on loopback: this test is rank 0 (it hosts the TCPStore) and
/// GatoMesh.Torch.DistributedWorker is rank 1, running the same collectives and checking its own results.</summary>
public class ProcessGroupTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const string Host = "127.0.0.1";

    [Fact]
    public async Task Two_processes_all_reduce_broadcast_barrier_and_all_gather_over_Gloo()
    {
        var port = LoopbackPorts.Free();
        using var peer = StartWorker("collectives", port);

        var rank0 = Task.Run(() =>
        {
            using var group = ProcessGroup.Create(Host, port, rank: 0, worldSize: 2, Deadline);
            Assert.Equal((0, 2, Backend.Gloo), (group.Rank, group.WorldSize, group.Backend));

            using var sum = Tensor.From<float>([1f, 10f]);
            group.AllReduce(sum, ReduceOp.Sum);
            Assert.Equal([3f, 30f], sum.ToArray<float>()); // 1 + 2, 10 + 20

            using var average = Tensor.From<float>([0f, 4f]);
            group.AllReduce(average, ReduceOp.Average);
            Assert.Equal([1f, 4f], average.ToArray<float>()); // (0 + 2) / 2, (4 + 4) / 2

            using var ids = Tensor.From<long>([1]);
            group.AllReduce(ids);
            Assert.Equal([3L], ids.ToArray<long>());

            using var broadcast = Tensor.Zeros([3]);
            group.Broadcast(broadcast, root: 1);
            Assert.Equal([7f, 8f, 9f], broadcast.ToArray<float>());

            group.Barrier();

            using var piece = Tensor.From<float>([0f, 0.5f]);
            using var gathered = group.AllGather(piece);
            Assert.Equal([2L, 2L], gathered.Shape);
            Assert.Equal([0f, 0.5f, 1f, 1.5f], gathered.ToArray<float>());
        });

        var (code, _, errors) = await peer.WaitAsync(Deadline);
        await rank0.WaitAsync(Deadline);
        Assert.True(code == 0, $"rank 1 failed: {errors}");
    }

    [Fact]
    public async Task A_peer_that_leaves_surfaces_as_a_TorchException_not_a_crash()
    {
        var port = LoopbackPorts.Free();
        using var peer = StartWorker("leave", port);
        using var group = await Task.Run(() => ProcessGroup.Create(Host, port, 0, 2, TimeSpan.FromSeconds(20))).WaitAsync(Deadline);
        var (code, _, errors) = await peer.WaitAsync(Deadline);
        Assert.True(code == 0, $"rank 1 failed: {errors}");

        using var t = Tensor.Ones([4]);
        var e = Assert.Throws<TorchException>(() => group.AllReduce(t));
        Assert.Contains("gloo", e.Message); // e.g. "[gloo/transport/tcp/pair.cc] Connection closed by peer"
    }

    [Fact]
    public void Joining_a_group_nobody_else_joins_times_out_with_c10ds_message()
    {
        var e = Assert.Throws<TorchException>(() => ProcessGroup.Create(Host, LoopbackPorts.Free(), 0, 2, TimeSpan.FromSeconds(2)));
        Assert.Contains("Timeout", e.Message); // "Socket Timeout" from the TCPStore rendezvous
    }

    [Fact]
    public void A_group_of_one_reduces_to_itself()
    {
        using var group = ProcessGroup.Create(Host, LoopbackPorts.Free(), 0, 1, Deadline);
        using var t = Tensor.From<float>([2f, 6f]);
        group.AllReduce(t, ReduceOp.Average);
        Assert.Equal([2f, 6f], t.ToArray<float>());
        using var ids = Tensor.From<long>([1]);
        Assert.Contains("floating-point", Assert.Throws<TorchException>(() => group.AllReduce(ids, ReduceOp.Average)).Message);
        Assert.Throws<ArgumentNullException>(() => group.AllReduce(null!));
        Assert.Equal("root", Assert.Throws<ArgumentOutOfRangeException>(() => group.Broadcast(t, 1)).ParamName);
        group.Dispose();
        Assert.Throws<ObjectDisposedException>(group.Barrier);
    }

    [Fact]
    public void Bad_arguments_and_unavailable_backends_are_refused_before_connecting()
    {
        Assert.True(ProcessGroup.IsAvailable(Backend.Gloo));
        Assert.Equal("rank", Assert.Throws<ArgumentOutOfRangeException>(() => ProcessGroup.Create(Host, 29500, 2, 2, Deadline)).ParamName);
        Assert.Equal("host", Assert.Throws<ArgumentException>(() => ProcessGroup.Create("10.0.0.1", 29500, 0, 2, Deadline)).ParamName);
        var e = Assert.Throws<BackendUnavailableException>(() => ProcessGroup.Create(Host, 29500, 0, 1, Deadline, Backend.Nccl));
        Assert.Equal(Backend.Nccl, e.Backend);
        Assert.Contains("not available in this build", e.Message);
    }

    private static ChildProcess StartWorker(string mode, int port)
    {
        var worker = typeof(ProcessGroupTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "DistributedWorker").Value!;
        Assert.True(File.Exists(worker), $"the worker was not built at {worker}");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return ChildProcess.Start(dotnet, worker, mode, Host, port.ToString(), "1", "2");
    }
}
