using System.Runtime.CompilerServices;
using GatoMesh.Torch;

namespace GatoMesh.Torch.Tests;

/// <summary>Runs alone: the native heap is process-wide, so concurrent tests would blur the measurement.</summary>
[CollectionDefinition(nameof(NativeMemoryTests), DisableParallelization = true)]
public sealed class NativeMemoryCollection;

[Collection(nameof(NativeMemoryTests))]
public class NativeMemoryTests
{
    // 4 MiB: the runtime's own one-time native allocations (tiered JIT, GC bookkeeping) come in bursts of
    // a few hundred KiB; leaking one 64-float tensor per cycle would add over 50 MB.
    private const long Slack = 4 << 20;

    private static readonly float[] Data = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();

    private static void CreateAndDispose(int cycles)
    {
        for (var i = 0; i < cycles; i++)
        {
            using var t = Tensor.From<float>(Data);
            using (DisposeScope.Begin())
            {
                var sum = t + t;
                sum.MulInPlace(0.5);
            }
        }
    }

    [Fact]
    public void A_hundred_thousand_create_dispose_cycles_leave_the_native_heap_flat()
    {
        CreateAndDispose(20_000); // warm-up: libtorch's and the runtime's one-time allocations
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = NativeHeap.AllocatedBytes;
        CreateAndDispose(100_000);
        var growth = NativeHeap.AllocatedBytes - before;
        Assert.True(growth < Slack, $"native heap grew by {growth} bytes over 100,000 cycles");
    }

    [Fact]
    public void Tensors_nobody_disposed_are_freed_by_the_finalizer()
    {
        CreateAndDispose(100);
        var before = NativeHeap.AllocatedBytes;
        var held = Abandon(2_000) - before;
        Assert.True(held > 2_000 * 4096, $"only {held} bytes were held by 2,000 live 4 KiB tensors");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var growth = NativeHeap.AllocatedBytes - before;
        Assert.True(growth < Slack, $"native heap still holds {growth} bytes after collecting abandoned tensors");

        // Creates tensors nobody will dispose; returns the heap size while they are still reachable.
        [MethodImpl(MethodImplOptions.NoInlining)]
        static long Abandon(int count)
        {
            var keep = new Tensor[count];
            for (var i = 0; i < count; i++) keep[i] = Tensor.Zeros([1024]);
            var heap = NativeHeap.AllocatedBytes;
            GC.KeepAlive(keep);
            return heap;
        }
    }
}
