using System.Net;
using GatoMesh.Torch.Native;
using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch.Distributed;

/// <summary>
/// A torch.distributed process group (libtorch's c10d): <c>worldSize</c> processes, rank 0 hosting the
/// TCPStore they rendezvous through, collectives over Gloo (docs/DISTRIBUTED.md). Every collective is
/// synchronous (it returns when the work is done) and may be called from any thread; calls on one group
/// are serialized, and every rank must issue the same collectives in the same order. Failures (a peer
/// gone, a timeout) raise <see cref="TorchException"/> with c10d's message.
/// Groups are single-host: the store host must be a loopback address and every rank's Gloo device
/// binds to 127.0.0.1.
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    private readonly ProcessGroupHandle handle;
    private readonly object gate = new();

    private ProcessGroup(ProcessGroupHandle handle, int rank, int worldSize, Backend backend)
    {
        this.handle = handle;
        Rank = rank;
        WorldSize = worldSize;
        Backend = backend;
    }

    public int Rank { get; }
    public int WorldSize { get; }
    public Backend Backend { get; }

    /// <summary>Whether this build can create groups on <paramref name="backend"/>.</summary>
    public static bool IsAvailable(Backend backend) => gm_distributed_has_backend((int)backend) != 0;

    /// <summary>
    /// Joins the group; blocks until all <paramref name="worldSize"/> ranks have joined, or throws
    /// <see cref="TorchException"/> after <paramref name="timeout"/>. The same timeout bounds every
    /// later collective.
    /// </summary>
    public static ProcessGroup Create(string host, int port, int rank, int worldSize, TimeSpan timeout, Backend backend = Backend.Gloo)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (!IsLoopback(host))
            throw new ArgumentException($"host '{host}' is not a loopback address; process groups are single-host (docs/DISTRIBUTED.md)", nameof(host));
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        if (rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must be in [0, {worldSize})");
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "timeout must be positive");
        if (!IsAvailable(backend))
            throw new BackendUnavailableException(backend, backend == Backend.Nccl
                ? "NCCL is not available in this build: libgatomesh_torch was built without c10d NCCL (a CPU libtorch); use Backend.Gloo"
                : "Gloo is not available in this build: libgatomesh_torch was built without Gloo (no gloo headers were found)");
        var group = gm_process_group_create(host, port, rank, worldSize, (long)timeout.TotalMilliseconds);
        if (group.IsInvalid)
        {
            group.SetHandleAsInvalid();
            throw LastError();
        }
        return new ProcessGroup(group, rank, worldSize, backend);
    }

    /// <summary>Reduces <paramref name="tensor"/> (contiguous, CPU for Gloo) across all ranks, in place.</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (op is not (ReduceOp.Sum or ReduceOp.Average)) throw new ArgumentOutOfRangeException(nameof(op), op, "Sum or Average");
        lock (gate) Check(gm_process_group_allreduce(Handle, tensor.Handle, (int)op));
    }

    /// <summary>Copies <paramref name="root"/>'s <paramref name="tensor"/> into every other rank's, in place.</summary>
    public void Broadcast(Tensor tensor, int root)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (root < 0 || root >= WorldSize) throw new ArgumentOutOfRangeException(nameof(root), root, $"root must be in [0, {WorldSize})");
        lock (gate) Check(gm_process_group_broadcast(Handle, tensor.Handle, root));
    }

    /// <summary>Returns once every rank has reached its barrier.</summary>
    public void Barrier()
    {
        lock (gate) Check(gm_process_group_barrier(Handle));
    }

    /// <summary>Every rank's <paramref name="input"/> (same shape and dtype on all ranks), stacked in rank
    /// order along a new leading dimension: shape [WorldSize, ..input.Shape].</summary>
    public Tensor AllGather(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        lock (gate) return new Tensor(gm_process_group_allgather(Handle, input.Handle));
    }

    private ProcessGroupHandle Handle => !handle.IsClosed
        ? handle
        : throw new ObjectDisposedException(nameof(ProcessGroup), "the process group was disposed");

    public void Dispose() => handle.Dispose();

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    public override string ToString() => $"ProcessGroup({Backend}, rank {Rank} of {WorldSize})";
}
