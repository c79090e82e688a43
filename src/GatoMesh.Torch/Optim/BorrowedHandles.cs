using GatoMesh.Torch.Native;

namespace GatoMesh.Torch.Optim;

/// <summary>
/// The raw at::Tensor* of many tensors for one native call that takes an array of handles. Each
/// SafeHandle is add-ref'd for the duration (as the marshaller does for a single handle), so no
/// finalizer or Dispose can free a tensor while native code holds its pointer.
/// </summary>
internal sealed class BorrowedHandles : IDisposable
{
    private readonly TensorHandle[] handles;
    private int borrowed;

    public BorrowedHandles(IReadOnlyList<Tensor> tensors)
    {
        handles = new TensorHandle[tensors.Count];
        Pointers = new IntPtr[tensors.Count];
        try
        {
            for (; borrowed < tensors.Count; borrowed++)
            {
                var handle = tensors[borrowed].Handle;
                var added = false;
                handle.DangerousAddRef(ref added);
                handles[borrowed] = handle;
                Pointers[borrowed] = handle.DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IntPtr[] Pointers { get; }

    public void Dispose()
    {
        for (var i = 0; i < borrowed; i++) handles[i].DangerousRelease();
        borrowed = 0;
    }
}
