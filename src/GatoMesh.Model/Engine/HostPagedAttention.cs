using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// The paged KV cache in host memory and the attention of every new token over it, in managed code
/// (docs/ENGINE.md, "Attention"). One kernel for decode and prefill rows alike: per (chunk, head), the
/// chunk's queries score every live key of the sequence, read in place through its block runs (no gather,
/// no torch call per chunk), a max-shifted softmax over each row's visible prefix (key j is visible to row
/// i when j &lt;= ContextBefore + i), then the weighted sum of the values. (chunk, head) items, largest
/// first, are shared by the engine thread and its attention helpers (<see cref="AttentionWorkers"/>).
///
/// Layout per layer, chosen for the two products: keys block-transposed, <c>[block, head, dim, lane]</c>
/// (lane = slot within the block), so 16 keys' scores are 16 lanes of one vector: a query's score against a
/// block is kv_size broadcast multiply-adds, no horizontal sums; values <c>[block, head, lane, dim]</c>, so a
/// weighted sum adds whole rows and a head's block is one contiguous stream. A decode step's attention reads each cached float once: it is bound by
/// memory traffic, and a chunk's rows share every read.
/// </summary>
internal sealed class HostPagedAttention : IPagedAttention
{
    private const int Lanes = 16;           // Vector512<float>
    private const int RowGroup = 4;         // rows sharing one pass over a head's keys

    private readonly float[][] keys;
    private readonly float[][] values;
    private readonly int heads, size, width, blockSize;
    private readonly bool vectorKeys, vectorValues;
    private readonly AttentionWorkers workers;
    private readonly List<(int Chunk, int Head)> items = [];
    [ThreadStatic] private static float[]? Scratch; // per thread: the engine thread and each helper
    private float[] qkv = [], output = [];
    private int[] firstRow = [];
    private BatchPlan plan = null!;
    private int rows, helpersWanted, scratchLength;

    private readonly long parallelWork;

    public HostPagedAttention(GatoConfig config, int blocks, int blockSize, AttentionWorkers workers, long parallelWork)
    {
        this.parallelWork = parallelWork;
        heads = config.Heads;
        size = config.KvSize;
        width = config.AttentionWidth;
        this.blockSize = blockSize;
        this.workers = workers;
        vectorKeys = Vector512.IsHardwareAccelerated && blockSize % Lanes == 0;
        vectorValues = Vector512.IsHardwareAccelerated && size % Lanes == 0;
        keys = new float[config.Layers][];
        values = new float[config.Layers][];
        for (var l = 0; l < config.Layers; l++)
        {
            keys[l] = new float[(long)blocks * blockSize * width];
            values[l] = new float[(long)blocks * blockSize * width];
        }
    }

    public void Begin(BatchPlan plan)
    {
        this.plan = plan;
        rows = plan.Tokens;
        if (firstRow.Length < plan.Chunks.Count) firstRow = new int[Math.Max(plan.Chunks.Count, 2 * firstRow.Length)];
        Grow(ref qkv, rows * 3 * width);
        Grow(ref output, rows * width);
        // (chunk, head) work items; their cost is rows x keys.
        items.Clear();
        long total = 0; // rows x keys over every (chunk, head): the score and mix multiply-adds / kv_size
        var maxScores = 0;
        for (int c = 0, row = 0; c < plan.Chunks.Count; c++)
        {
            var chunk = plan.Chunks[c];
            firstRow[c] = row;
            row += chunk.Count;
            total += (long)chunk.Count * chunk.Keys * heads;
            maxScores = Math.Max(maxScores, chunk.Count * (chunk.Keys + Lanes) + chunk.Count * size);
            for (var h = 0; h < heads; h++) items.Add((c, h));
        }
        scratchLength = maxScores;
        // Largest items first, so the last ones handed out are short and the threads finish together.
        items.Sort((x, y) => Cost(y).CompareTo(Cost(x)));
        helpersWanted = (int)Math.Min(2 * total * size / Math.Max(1, parallelWork), workers.Threads - 1);
    }

    private long Cost((int Chunk, int Head) item) => (long)plan.Chunks[item.Chunk].Count * plan.Chunks[item.Chunk].Keys;

    public Tensor Attend(int layer, Tensor projections, CausalSelfAttention attention)
    {
        projections.CopyAs<float>(qkv);
        Write(layer);
        var scale = (float)attention.Scale;
        workers.Run(items.Count, helpersWanted, i =>
        {
            if (Scratch is null || Scratch.Length < scratchLength) Scratch = new float[Math.Max(scratchLength, 2 * (Scratch?.Length ?? 0))];
            AttendHead(layer, items[i].Chunk, items[i].Head, scale, Scratch);
        });
        return Tensor.From<float>(output.AsSpan(0, rows * width), [rows, width]);
    }

    /// <summary>Stores each new row's key (block-transposed) and value (slot-major) at its slot.</summary>
    private void Write(int layer)
    {
        var k = keys[layer];
        var v = values[layer];
        var row = 0;
        foreach (var chunk in plan.Chunks)
            foreach (var slot in chunk.NewSlots)
            {
                var source = qkv.AsSpan(row++ * 3 * width, 3 * width);
                long block = slot / blockSize, lane = slot % blockSize;
                for (var h = 0; h < heads; h++)
                {
                    var column = ((block * heads + h) * size) * blockSize + lane;
                    for (var d = 0; d < size; d++) k[column + (long)d * blockSize] = source[width + h * size + d];
                }
                for (var h = 0; h < heads; h++)
                    source.Slice(2 * width + h * size, size).CopyTo(v.AsSpan((int)(((block * heads + h) * blockSize + lane) * size), size));
            }
    }

    private void AttendHead(int layer, int c, int h, float scale, float[] buffer)
    {
        var chunk = plan.Chunks[c];
        int count = chunk.Count, context = chunk.ContextBefore, total = chunk.Keys;
        var stride = total + Lanes; // a row's scores, with room for a vector store past the end
        var scores = buffer.AsSpan(0, count * stride);
        var queries = buffer.AsSpan(count * stride, count * size);
        for (var i = 0; i < count; i++)
        {
            var q = qkv.AsSpan((firstRow[c] + i) * 3 * width + h * size, size);
            for (var d = 0; d < size; d++) queries[i * size + d] = q[d] * scale;
        }
        var runs = CollectionsMarshal.AsSpan(plan.KeyRuns).Slice(chunk.RunStart * 2, chunk.RunCount * 2);
        Scores(keys[layer], h, runs, queries, count, scores, stride);
        for (var i = 0; i < count; i++)
        {
            var row = scores.Slice(i * stride, total);
            Softmax(row[..(context + i + 1)]);
            row[(context + i + 1)..].Clear(); // keys after the row: weight 0 (causal)
        }
        var outputs = output.AsSpan();
        for (var i = 0; i < count; i++) outputs.Slice((firstRow[c] + i) * width + h * size, size).Clear();
        Mix(values[layer], h, runs, scores, stride, count, outputs, firstRow[c]);
    }

    /// <summary>scores[i, j] = q_i . k_j for every live key j (in run order) of head <paramref name="h"/>.</summary>
    private void Scores(float[] k, int h, ReadOnlySpan<int> runs, ReadOnlySpan<float> queries, int count, Span<float> scores, int stride)
    {
        ref var kBase = ref MemoryMarshal.GetArrayDataReference(k);
        var j = 0;
        for (var r = 0; r < runs.Length; r += 2)
        {
            int start = runs[r], length = runs[r + 1];
            long block = start / blockSize, lane = start % blockSize;
            var head = ((block * heads + h) * size) * blockSize; // [dim, lane] of this block and head
            if (vectorKeys)
            {
                // Whole 16-lane groups covering [lane, lane + length); lanes outside are stored past the
                // run and overwritten by the next run or never read.
                var firstGroup = (int)(lane / Lanes) * Lanes;
                for (var g = firstGroup; g < lane + length; g += Lanes)
                {
                    var at = j + g - (int)lane; // score index of the group's lane 0
                    for (var i = 0; i < count; i += RowGroup)
                    {
                        var n = Math.Min(RowGroup, count - i);
                        ScoreGroup(ref kBase, head + g, queries, i, n, scores, stride, at, j);
                    }
                }
            }
            else
            {
                for (var t = 0; t < length; t++)
                    for (var i = 0; i < count; i++)
                    {
                        var sum = 0f;
                        for (var d = 0; d < size; d++) sum += queries[i * size + d] * k[head + (long)d * blockSize + lane + t];
                        scores[i * stride + j + t] = sum;
                    }
            }
            j += length;
        }
    }

    /// <summary>16 keys' scores for up to four rows: kv_size broadcast multiply-adds per row (four rows give
    /// four independent sums; one row splits its sum over four accumulators, so neither waits on the
    /// multiply-add latency). The group's lane 0 is score index <paramref name="at"/>; lanes before the run
    /// (index &lt; <paramref name="from"/>) belong to keys outside it and are not stored; lanes past its end are,
    /// and the next run (or nothing: the rows have a vector of padding) overwrites them.</summary>
    private void ScoreGroup(ref float kBase, long keyColumn, ReadOnlySpan<float> queries, int row, int n, Span<float> scores, int stride, int at, int from)
    {
        ref var q = ref MemoryMarshal.GetReference(queries);
        if (n == RowGroup)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            var q0 = row * size;
            for (var d = 0; d < size; d++)
            {
                var key = Vector512.LoadUnsafe(ref kBase, (nuint)(keyColumn + (long)d * blockSize));
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + d)), key, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + size + d)), key, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + 2 * size + d)), key, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + 3 * size + d)), key, a3);
            }
            Store(a0, scores, row * stride, at, from);
            Store(a1, scores, (row + 1) * stride, at, from);
            Store(a2, scores, (row + 2) * stride, at, from);
            Store(a3, scores, (row + 3) * stride, at, from);
            return;
        }
        for (var k = row; k < row + n; k++)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            var q0 = k * size;
            var d = 0;
            for (; d <= size - 4; d += 4)
            {
                var column = keyColumn + (long)d * blockSize;
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + d)), Vector512.LoadUnsafe(ref kBase, (nuint)column), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + d + 1)), Vector512.LoadUnsafe(ref kBase, (nuint)(column + blockSize)), a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + d + 2)), Vector512.LoadUnsafe(ref kBase, (nuint)(column + 2 * blockSize)), a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + d + 3)), Vector512.LoadUnsafe(ref kBase, (nuint)(column + 3 * blockSize)), a3);
            }
            for (; d < size; d++)
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref q, q0 + d)), Vector512.LoadUnsafe(ref kBase, (nuint)(keyColumn + (long)d * blockSize)), a0);
            Store(a0 + a1 + (a2 + a3), scores, k * stride, at, from);
        }
    }

    /// <summary>Writes the lanes of <paramref name="group"/> that land at score index >= <paramref name="from"/>.</summary>
    private static void Store(Vector512<float> group, Span<float> scores, int rowStart, int at, int from)
    {
        if (at >= from)
        {
            group.StoreUnsafe(ref MemoryMarshal.GetReference(scores), (nuint)(rowStart + at));
            return;
        }
        for (var lane = from - at; lane < Lanes; lane++) scores[rowStart + at + lane] = group[lane];
    }

    /// <summary>In place: softmax of the row (max-shifted).</summary>
    private static void Softmax(Span<float> row)
    {
        ref var x = ref MemoryMarshal.GetReference(row);
        var n = row.Length;
        var i = 0;
        var max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated && n >= Lanes)
        {
            var m = Vector512.Create(float.NegativeInfinity);
            for (; i <= n - Lanes; i += Lanes) m = Vector512.Max(m, Vector512.LoadUnsafe(ref x, (nuint)i));
            for (var lane = 0; lane < Lanes; lane++) max = MathF.Max(max, m[lane]);
        }
        for (; i < n; i++) max = MathF.Max(max, row[i]);
        var total = 0f;
        i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Lanes)
        {
            var shift = Vector512.Create(max);
            var sum = Vector512<float>.Zero;
            for (; i <= n - Lanes; i += Lanes)
            {
                var e = Vector512.Exp(Vector512.LoadUnsafe(ref x, (nuint)i) - shift);
                e.StoreUnsafe(ref x, (nuint)i);
                sum += e;
            }
            total = Vector512.Sum(sum);
        }
        for (; i < n; i++)
        {
            row[i] = MathF.Exp(row[i] - max);
            total += row[i];
        }
        var inverse = 1 / total;
        i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var f = Vector512.Create(inverse);
            for (; i <= n - Lanes; i += Lanes) (Vector512.LoadUnsafe(ref x, (nuint)i) * f).StoreUnsafe(ref x, (nuint)i);
        }
        for (; i < n; i++) row[i] *= inverse;
    }

    /// <summary>outputs[row i, head h] = sum_j p[i, j] v_j (p is 0 past each row's visible keys), 16 dims at a
    /// time: four rows share each value load (four independent sums); a lone row splits its sum over four
    /// accumulators by key, so neither waits on the multiply-add latency. A head's block of values is one
    /// contiguous stream.</summary>
    private void Mix(float[] v, int h, ReadOnlySpan<int> runs, ReadOnlySpan<float> weights, int stride, int count, Span<float> outputs, int firstOutputRow)
    {
        if (!vectorValues)
        {
            for (var i = 0; i < count; i++)
            {
                var target = (firstOutputRow + i) * width + h * size;
                var j = 0;
                for (var r = 0; r < runs.Length; r += 2)
                {
                    long block = runs[r] / blockSize, lane = runs[r] % blockSize;
                    for (var t = 0; t < runs[r + 1]; t++, j++)
                    {
                        var weight = weights[i * stride + j];
                        var value = v.AsSpan((int)(((block * heads + h) * blockSize + lane + t) * size), size);
                        for (var d = 0; d < size; d++) outputs[target + d] += weight * value[d];
                    }
                }
            }
            return;
        }
        ref var vBase = ref MemoryMarshal.GetArrayDataReference(v);
        ref var p = ref MemoryMarshal.GetReference(weights);
        ref var o = ref MemoryMarshal.GetReference(outputs);
        var i0 = 0;
        for (; i0 + RowGroup <= count; i0 += RowGroup)
            for (var dv = 0; dv < size; dv += Lanes)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                int j0 = i0 * stride, j1 = j0 + stride, j2 = j1 + stride, j3 = j2 + stride;
                for (var r = 0; r < runs.Length; r += 2)
                {
                    int start = runs[r], length = runs[r + 1];
                    long block = start / blockSize, lane = start % blockSize;
                    var row = ((block * heads + h) * blockSize + lane) * size + dv; // [block, head, lane, dim]
                    for (var t = 0; t < length; t++, row += size)
                    {
                        var value = Vector512.LoadUnsafe(ref vBase, (nuint)row);
                        a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j0++)), value, a0);
                        a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j1++)), value, a1);
                        a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j2++)), value, a2);
                        a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j3++)), value, a3);
                    }
                }
                var target = (firstOutputRow + i0) * width + h * size + dv;
                a0.StoreUnsafe(ref o, (nuint)target);
                a1.StoreUnsafe(ref o, (nuint)(target + width));
                a2.StoreUnsafe(ref o, (nuint)(target + 2 * width));
                a3.StoreUnsafe(ref o, (nuint)(target + 3 * width));
            }
        for (var i = i0; i < count; i++)
            for (var dv = 0; dv < size; dv += Lanes)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                var j = i * stride;
                for (var r = 0; r < runs.Length; r += 2)
                {
                    int start = runs[r], length = runs[r + 1];
                    long block = start / blockSize, lane = start % blockSize;
                    var row = ((block * heads + h) * blockSize + lane) * size + dv;
                    var t = 0;
                    for (; t <= length - 4; t += 4, j += 4, row += 4 * size)
                    {
                        a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j)), Vector512.LoadUnsafe(ref vBase, (nuint)row), a0);
                        a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j + 1)), Vector512.LoadUnsafe(ref vBase, (nuint)(row + size)), a1);
                        a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j + 2)), Vector512.LoadUnsafe(ref vBase, (nuint)(row + 2 * size)), a2);
                        a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j + 3)), Vector512.LoadUnsafe(ref vBase, (nuint)(row + 3 * size)), a3);
                    }
                    for (; t < length; t++, j++, row += size)
                        a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref p, j)), Vector512.LoadUnsafe(ref vBase, (nuint)row), a0);
                }
                (a0 + a1 + (a2 + a3)).StoreUnsafe(ref o, (nuint)((firstOutputRow + i) * width + h * size + dv));
            }
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[Math.Max(length, 2 * buffer.Length)];
    }

    public void Dispose() { }
}
