using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GatoMesh.Model.Engine;

/// <summary>
/// The paged KV cache's storage: per layer, keys and values of every physical slot in host memory,
/// slot-major ([slot, heads, kv_size]; physical slot = block * block size + offset, from
/// <see cref="Kv.SequenceCache"/>), and the attention of short query runs read straight from it.
///
/// Why host memory and managed code rather than pool tensors and torch ops: a decode step's
/// attention is a few multiply-adds per cached float, so it is bound by memory traffic. With torch
/// ops a paged pool must first be gathered into a contiguous copy (IndexSelect) and then read again
/// by a batched product of B x heads tiny matrix-vector products; here each live key and value is
/// read once, in place, through its block table. docs/ENGINE.md, "Attention".
/// </summary>
internal sealed class HostKvPool
{
    private readonly float[][] keys;
    private readonly float[][] values;
    private readonly int heads, kvSize, width;
    private readonly float scale;

    public HostKvPool(int layers, long slots, int heads, int kvSize)
    {
        this.heads = heads;
        this.kvSize = kvSize;
        width = heads * kvSize;
        scale = 1 / MathF.Sqrt(kvSize); // docs/MODEL.md: attention scale 1/sqrt(kv_size)
        keys = new float[layers][];
        values = new float[layers][];
        for (var l = 0; l < layers; l++)
        {
            keys[l] = new float[slots * width];
            values[l] = new float[slots * width];
        }
    }

    /// <summary>Stores the keys and values of row r of <paramref name="qkv"/> ([N, 3 * width]: q | k | v)
    /// at physical slot <paramref name="slots"/>[r].</summary>
    public void Write(int layer, ReadOnlySpan<float> qkv, ReadOnlySpan<long> slots)
    {
        for (var r = 0; r < slots.Length; r++)
        {
            var row = qkv.Slice(r * 3 * width, 3 * width);
            row.Slice(width, width).CopyTo(keys[layer].AsSpan((int)(slots[r] * width), width));
            row.Slice(2 * width, width).CopyTo(values[layer].AsSpan((int)(slots[r] * width), width));
        }
    }

    /// <summary>Copies the keys and values of <paramref name="slots"/> into [L, width] buffers (the
    /// input of the torch path for long chunks).</summary>
    public void Gather(int layer, ReadOnlySpan<long> slots, Span<float> keyRows, Span<float> valueRows)
    {
        for (var j = 0; j < slots.Length; j++)
        {
            keys[layer].AsSpan((int)(slots[j] * width), width).CopyTo(keyRows.Slice(j * width, width));
            values[layer].AsSpan((int)(slots[j] * width), width).CopyTo(valueRows.Slice(j * width, width));
        }
    }

    /// <summary>
    /// Causal attention of one query row over <paramref name="keySlots"/>[0 .. visible): for each
    /// head, softmax(q k^T / sqrt(kv_size)) v, written to <paramref name="output"/> [width].
    /// <paramref name="query"/> is the row's q (width floats); <paramref name="scores"/> is scratch of
    /// heads x visible floats. Slot-major loops: each key and value row (all heads, contiguous) is
    /// streamed once.
    /// </summary>
    public void Attend(int layer, ReadOnlySpan<float> query, ReadOnlySpan<long> keySlots, int visible, Span<float> scores, Span<float> output)
    {
        if (scores.Length < heads * visible) throw new ArgumentException($"scratch holds {scores.Length} floats, needs {heads * visible}", nameof(scores));
        if (query.Length < width || output.Length < width) throw new ArgumentException($"query and output need {width} floats");
        // Bounds are checked once above and by the block tables (every slot < pool slots); the inner
        // loops use unchecked vector loads for speed.
        ref var k = ref MemoryMarshal.GetArrayDataReference(keys[layer]);
        ref var v = ref MemoryMarshal.GetArrayDataReference(values[layer]);
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var s = ref MemoryMarshal.GetReference(scores);
        ref var o = ref MemoryMarshal.GetReference(output);
        for (var j = 0; j < visible; j++)
        {
            var row = (nuint)(keySlots[j] * width);
            for (var h = 0; h < heads; h++)
                Unsafe.Add(ref s, h * visible + j) = Dot(ref q, (nuint)(h * kvSize), ref k, row + (nuint)(h * kvSize), kvSize) * scale;
        }
        for (var h = 0; h < heads; h++)
        {
            var head = scores.Slice(h * visible, visible);
            var max = float.NegativeInfinity;
            foreach (var x in head) max = MathF.Max(max, x);
            var total = 0f;
            for (var j = 0; j < head.Length; j++)
            {
                head[j] = MathF.Exp(head[j] - max);
                total += head[j];
            }
            var inverse = 1 / total;
            for (var j = 0; j < head.Length; j++) head[j] *= inverse;
        }
        output[..width].Clear();
        for (var j = 0; j < visible; j++)
        {
            var row = (nuint)(keySlots[j] * width);
            for (var h = 0; h < heads; h++)
                AddScaled(ref o, (nuint)(h * kvSize), ref v, row + (nuint)(h * kvSize), Unsafe.Add(ref s, h * visible + j), kvSize);
        }
    }

    private static float Dot(ref float a, nuint aOffset, ref float b, nuint bOffset, int n)
    {
        nuint i = 0;
        var sum = 0f;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; (int)i <= n - 8; i += 8)
                acc += Vector256.LoadUnsafe(ref a, aOffset + i) * Vector256.LoadUnsafe(ref b, bOffset + i);
            sum = Vector256.Sum(acc);
        }
        for (; (int)i < n; i++) sum += Unsafe.Add(ref a, aOffset + i) * Unsafe.Add(ref b, bOffset + i);
        return sum;
    }

    private static void AddScaled(ref float destination, nuint dOffset, ref float source, nuint sOffset, float factor, int n)
    {
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            for (; (int)i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref destination, dOffset + i) + Vector256.LoadUnsafe(ref source, sOffset + i) * f)
                    .StoreUnsafe(ref destination, dOffset + i);
        }
        for (; (int)i < n; i++) Unsafe.Add(ref destination, dOffset + i) += Unsafe.Add(ref source, sOffset + i) * factor;
    }
}
