using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// The paged KV cache as tensors on the model's device (a GPU, or the CPU in tests), and attention over it
/// with libtorch ops, so keys and values never leave the device (docs/ENGINE.md, "Device pool"). Per layer
/// a key and a value pool [slots, heads * kv_size] in the compute precision; each block's new keys and values
/// are written to their slots with one index_copy_ each; then, for groups of chunks, the chunks' live keys and
/// values are gathered (index_select through the block tables, padded to the group's longest), the chunks'
/// queries padded to [chunks, rows], and one batched product with a causal mask (row i of a chunk sees key j
/// when j &lt;= ContextBefore + i) gives every row's heads. Scores and softmax in fp32.
///
/// Per iteration the index tables (new slots, key slots, padding maps, visibility limits) go to the device in
/// one copy. Groups bound the gathered keys and values of one product (<see cref="GatherBytes"/>).
/// </summary>
internal sealed class DevicePagedAttention : IPagedAttention
{
    private readonly Tensor[] keys, values;
    private readonly Device device;
    private readonly int width, heads, size;
    private readonly long gatherBytes;
    private readonly List<Group> groups = [];
    private Tensor writeSlots = null!;
    private long[] table = [];

    public DevicePagedAttention(GatoConfig config, long slots, Device device, DType dtype)
    {
        this.device = device;
        heads = config.Heads;
        size = config.KvSize;
        width = config.AttentionWidth;
        gatherBytes = device.Type == DeviceType.Cpu ? GatherBytes / 16 : GatherBytes;
        keys = new Tensor[config.Layers];
        values = new Tensor[config.Layers];
        for (var l = 0; l < config.Layers; l++)
        {
            keys[l] = Tensor.Zeros([slots, width], dtype, device).DetachFromScope();
            values[l] = Tensor.Zeros([slots, width], dtype, device).DetachFromScope();
        }
    }

    /// <summary>Bytes of gathered keys and values one batched product may hold on a GPU (a sixteenth on a CPU).</summary>
    public const long GatherBytes = 1L << 30;

    /// <summary>Chunks [First, First + Count) attended in one product: <c>Rows</c> padded query rows and
    /// <c>Keys</c> padded keys per chunk, and the offsets of its index tables in the iteration's upload.</summary>
    private sealed record Group(int First, int Count, int Rows, int Keys, long KeyIndex, long PadIndex, long RowIndex, long Limits, int RealRows)
    {
        public Tensor KeyIndexT = null!, PadIndexT = null!, RowIndexT = null!, Blocked = null!;
    }

    public void Begin(BatchPlan plan)
    {
        var chunks = plan.Chunks;
        groups.Clear();
        var elementBytes = 2L * width * (keys[0].DType == DType.BFloat16 ? 2 : 4);
        for (var c = 0; c < chunks.Count;)
        {
            int first = c, rows = 0, keyCount = 0, realRows = 0;
            for (; c < chunks.Count; c++)
            {
                var r = Math.Max(rows, chunks[c].Count);
                var k = Math.Max(keyCount, chunks[c].Keys);
                if (c > first && (long)(c - first + 1) * k * elementBytes > gatherBytes) break;
                (rows, keyCount) = (r, k);
                realRows += chunks[c].Count;
            }
            groups.Add(new Group(first, c - first, rows, keyCount, 0, 0, 0, 0, realRows));
        }
        // One upload: [new slots | per group: key slots, padded query rows, real rows, visibility limits].
        long length = plan.Tokens;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var padded = (long)group.Count * group.Rows;
            groups[g] = group = group with
            {
                KeyIndex = length,
                PadIndex = length + (long)group.Count * group.Keys,
                RowIndex = length + (long)group.Count * group.Keys + padded,
                Limits = length + (long)group.Count * group.Keys + padded + group.RealRows,
            };
            length = group.Limits + padded;
        }
        if (table.Length < length) table = new long[Math.Max(length, 2 * table.Length)];
        var span = table.AsSpan(0, (int)length);
        span.Clear();
        var row = 0;
        foreach (var chunk in chunks)
            foreach (var slot in chunk.NewSlots) span[row++] = slot;
        row = 0;
        foreach (var group in groups)
        {
            var real = 0;
            for (var c = 0; c < group.Count; c++)
            {
                var chunk = chunks[group.First + c];
                var j = 0;
                for (var r = chunk.RunStart; r < chunk.RunStart + chunk.RunCount; r++)
                    for (var t = 0; t < plan.KeyRuns[2 * r + 1]; t++)
                        span[(int)group.KeyIndex + c * group.Keys + j++] = plan.KeyRuns[2 * r] + t;
                for (var i = 0; i < chunk.Count; i++)
                {
                    span[(int)group.PadIndex + c * group.Rows + i] = row + i;
                    span[(int)group.RowIndex + real++] = c * group.Rows + i;
                    span[(int)group.Limits + c * group.Rows + i] = chunk.ContextBefore + i;
                }
                row += chunk.Count;
            }
        }
        var upload = Tensor.From<long>(span, [length], device);
        writeSlots = upload.Narrow(0, 0, plan.Tokens);
        foreach (var group in groups)
        {
            var padded = (long)group.Count * group.Rows;
            group.KeyIndexT = upload.Narrow(0, group.KeyIndex, (long)group.Count * group.Keys);
            group.PadIndexT = upload.Narrow(0, group.PadIndex, padded);
            group.RowIndexT = upload.Narrow(0, group.RowIndex, group.RealRows);
            // Padded rows see key 0 only, so their softmax stays finite; their outputs are never read.
            var limits = upload.Narrow(0, group.Limits, padded).View(group.Count, 1, group.Rows, 1);
            group.Blocked = Tensor.Arange(0, group.Keys, device: device).View(1, 1, 1, group.Keys).Gt(limits); // [C, 1, T, L]
        }
    }

    public Tensor Attend(int layer, Tensor qkv, CausalSelfAttention attention)
    {
        var dtype = keys[layer].DType;
        keys[layer].IndexCopyInPlace(0, writeSlots, qkv.Narrow(1, width, width).To(dtype));
        values[layer].IndexCopyInPlace(0, writeSlots, qkv.Narrow(1, 2 * width, width).To(dtype));
        var queries = qkv.Narrow(1, 0, width).To(dtype);
        var outputs = new Tensor[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            long c = group.Count, t = group.Rows, l = group.Keys;
            var q = queries.IndexSelect(0, group.PadIndexT).View(c, t, heads, size).Transpose(1, 2);                 // [C, H, T, D]
            var k = keys[layer].IndexSelect(0, group.KeyIndexT).View(c, l, heads, size).Transpose(1, 2);            // [C, H, L, D]
            var v = values[layer].IndexSelect(0, group.KeyIndexT).View(c, l, heads, size).Transpose(1, 2);
            var scores = (q.MatMul(k.Transpose(-2, -1)).To(DType.Float32) * attention.Scale).MaskedFill(group.Blocked, double.NegativeInfinity);
            var weights = Functional.Softmax(scores, -1).To(dtype);                                                  // [C, H, T, L]
            outputs[g] = weights.MatMul(v).Transpose(1, 2).Reshape(c * t, width).IndexSelect(0, group.RowIndexT);   // [rows, a]
        }
        return outputs.Length == 1 ? outputs[0] : Tensor.Cat(outputs);
    }

    public void Dispose()
    {
        foreach (var tensor in keys.Concat(values)) tensor.Dispose();
    }
}
