using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

// native/torch/distributed.cpp
internal static partial class TorchNative
{
    [LibraryImport(Library)] internal static partial int gm_distributed_has_backend(int backend);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ProcessGroupHandle gm_process_group_create(string host, int port, int rank, int worldSize, long timeoutMs);
    [LibraryImport(Library)] internal static partial void gm_process_group_free(IntPtr group);
    [LibraryImport(Library)] internal static partial int gm_process_group_allreduce(ProcessGroupHandle group, TensorHandle tensor, int op);
    [LibraryImport(Library)] internal static partial int gm_process_group_broadcast(ProcessGroupHandle group, TensorHandle tensor, int root);
    [LibraryImport(Library)] internal static partial int gm_process_group_barrier(ProcessGroupHandle group);
    [LibraryImport(Library)] internal static partial TensorHandle gm_process_group_allgather(ProcessGroupHandle group, TensorHandle input);
}
