using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// Executes one <see cref="BatchPlan"/> as a single forward pass through the model's own modules
/// over the paged KV pool (vLLM's model runner). Every new token of every chunk goes through the
/// embedding and the blocks together; only attention is per sequence: each block writes the new
/// keys and values at their physical slots, then each token attends over its sequence's live slots
/// up to itself — the short chunks (decode steps) of all sequences in one padded, masked batched
/// product, longer chunks (prefill) one sequence at a time. Logits are computed only for tokens that
/// sample, and only for their action's id range (h @ E[lo:hi]^T). Engine thread only.
/// </summary>
internal sealed class ModelRunner : IDisposable
{
    private readonly GatoModel model;
    // Per layer: [heads, slots, kv_size]. Head-major, so gathering a batch's slots along dim 1 yields
    // [heads * B, L, kv_size] ready for bmm with no transposing copy of the keys or values.
    private readonly Tensor[] keys;
    private readonly Tensor[] values;
    private readonly int heads, kvSize, attentionWidth;
    private readonly double scale;

    public ModelRunner(GatoModel model, int slots)
    {
        this.model = model;
        var c = model.Config;
        heads = c.Heads;
        kvSize = c.KvSize;
        attentionWidth = c.AttentionWidth;
        scale = 1.0 / Math.Sqrt(kvSize); // docs/MODEL.md: attention scale 1/sqrt(kv_size)
        var device = model.Blocks[0].Qkv.Weight.Device;
        keys = new Tensor[c.Layers];
        values = new Tensor[c.Layers];
        for (var l = 0; l < c.Layers; l++)
        {
            keys[l] = Tensor.Zeros([heads, slots, kvSize], device: device).DetachFromScope();
            values[l] = Tensor.Zeros([heads, slots, kvSize], device: device).DetachFromScope();
        }
    }

    public GatoModel Model => model;

    /// <summary>Runs the plan; returns the restricted logits of each sampling chunk, in plan order.
    /// Call inside a <see cref="NoGradScope"/>; intermediates die with the caller's dispose scope.</summary>
    public List<float[]> Run(BatchPlan plan)
    {
        // Short chunks (decode steps, a fed-back token plus a one-token observation) first, so their
        // attention outputs come out of one padded batched product in row order.
        var chunks = plan.Chunks.Where(IsShort).Concat(plan.Chunks.Where(c => !IsShort(c))).ToList();
        var shortCount = chunks.TakeWhile(IsShort).Count();
        var shortRows = chunks.Take(shortCount).Sum(c => c.Count);
        var device = keys[0].Device;

        var inputs = Gather(chunks);
        using var slots = Tensor.From<long>([.. chunks.SelectMany(c => c.NewSlots)], device);
        var batched = shortCount > 0 ? BatchedAttentionIndex(chunks.GetRange(0, shortCount), device) : null;
        var single = chunks.Skip(shortCount).Select(c => SequenceAttentionIndex(c, device)).ToList();

        var x = model.Embed.Forward(inputs); // [N, width]
        var n = x.Size(0);
        for (var l = 0; l < keys.Length; l++)
        {
            var block = model.Blocks[l];
            var qkv = block.Qkv.Forward(block.Ln1.Forward(x));                 // [N, 3 * heads * kv_size]
            var q = qkv.Narrow(1, 0, attentionWidth).Reshape(n, heads, kvSize);
            var k = qkv.Narrow(1, attentionWidth, attentionWidth).Reshape(n, heads, kvSize);
            var v = qkv.Narrow(1, 2 * attentionWidth, attentionWidth).Reshape(n, heads, kvSize);
            keys[l].IndexCopyInPlace(1, slots, k.Transpose(0, 1));
            values[l].IndexCopyInPlace(1, slots, v.Transpose(0, 1));

            var outputs = new List<Tensor>(single.Count + 1);
            if (batched is { } b)
            {
                var shortQueries = q.Narrow(0, 0, shortRows);
                var padded = b.QueryRows is null
                    ? shortQueries.Unsqueeze(1)                                       // [B, 1, heads, kv]
                    : shortQueries.IndexSelect(0, b.QueryRows).View(b.Batch, b.Queries, heads, kvSize);
                var output = Attend(padded, keys[l], values[l], b.KeySlots, b.Mask, b.Keys);
                outputs.Add(b.OutputRows is null ? output : output.IndexSelect(0, b.OutputRows));
            }
            var row = (long)shortRows;
            for (var i = 0; i < single.Count; i++)
            {
                var count = chunks[shortCount + i].Count;
                outputs.Add(Attend(q.Narrow(0, row, count).Unsqueeze(0), keys[l], values[l], single[i].KeySlots, single[i].Mask, single[i].Keys));
                row += count;
            }
            var attention = outputs.Count == 1 ? outputs[0] : Tensor.Cat([.. outputs]); // [N, heads * kv_size]
            x = x + block.Out.Forward(attention);
            x = x + block.Fc2.Forward(Functional.Gelu(block.Fc1.Forward(block.Ln2.Forward(x))));
        }

        return SampledLogits(chunks, plan, x, device);
    }

    /// <summary>Chunks at most this long share one padded attention product; longer ones (prefill)
    /// attend one sequence at a time, where padding would waste more than batching saves.</summary>
    private const int ShortChunk = 8;

    private static bool IsShort(PlannedChunk chunk) => chunk.Count <= ShortChunk;

    /// <summary>Attention of queries [B, T, heads, kv] over the gathered slots <paramref name="index"/>
    /// [B * L]: scores get the additive mask [B, T, L] (0 visible, -inf hidden); returns
    /// [B * T, heads * kv].</summary>
    private Tensor Attend(Tensor q, Tensor keyPool, Tensor valuePool, Tensor index, Tensor mask, long length)
    {
        long b = q.Size(0), t = q.Size(1);
        var queries = (q * scale).Permute(2, 0, 1, 3).Reshape(heads * b, t, kvSize);   // [heads * B, T, kv]
        var k = keyPool.IndexSelect(1, index).View(heads * b, length, kvSize);         // [heads * B, L, kv]
        var v = valuePool.IndexSelect(1, index).View(heads * b, length, kvSize);
        var scores = queries.Bmm(k.Transpose(1, 2)).View(heads, b, t, length) + mask;  // [heads, B, T, L]
        var weights = Functional.Softmax(scores, -1).View(heads * b, t, length);
        return weights.Bmm(v).View(heads, b, t, kvSize).Permute(1, 2, 0, 3).Reshape(b * t, attentionWidth);
    }

    /// <summary>Index tensors of the padded product over short chunks: chunk b's queries are padded
    /// to the longest chunk and its live slots to the longest sequence (with slot 0). Query i of
    /// chunk b sees its keys up to <c>ContextBefore + i</c>; padded keys are masked out, and a padded
    /// query sees key 0 only, so its softmax stays finite (its output is dropped).</summary>
    private sealed record BatchedIndex(long Batch, long Queries, long Keys, Tensor KeySlots, Tensor Mask, Tensor? QueryRows, Tensor? OutputRows);

    private static BatchedIndex BatchedAttentionIndex(List<PlannedChunk> shorts, Device device)
    {
        long batch = shorts.Count, queries = shorts.Max(c => c.Count), length = shorts.Max(c => c.KeySlots.Length);
        var slots = new long[batch * length];
        var mask = new float[batch * queries * length];
        Array.Fill(mask, float.NegativeInfinity);
        var queryRows = new long[batch * queries];
        var outputRows = new List<long>();
        var row = 0L;
        for (var b = 0; b < batch; b++)
        {
            var chunk = shorts[b];
            chunk.KeySlots.CopyTo(slots, b * length);
            for (var i = 0; i < queries; i++)
            {
                var at = (b * queries + i) * length;
                if (i < chunk.Count)
                {
                    Array.Fill(mask, 0f, (int)at, chunk.ContextBefore + i + 1);
                    queryRows[b * queries + i] = row + i;
                    outputRows.Add(b * queries + i);
                }
                else mask[at] = 0f;
            }
            row += chunk.Count;
        }
        var uniform = queries == 1;
        return new BatchedIndex(batch, queries, length,
            Tensor.From<long>(slots, device), Tensor.From<float>(mask, [batch, queries, length], device),
            uniform ? null : Tensor.From<long>(queryRows, device), uniform ? null : Tensor.From<long>([.. outputRows], device));
    }

    /// <summary>A long chunk of one sequence: causal over its live slots (token i sees the context
    /// and the new tokens up to itself).</summary>
    private static (Tensor KeySlots, Tensor Mask, long Keys) SequenceAttentionIndex(PlannedChunk chunk, Device device)
    {
        long length = chunk.KeySlots.Length, count = chunk.Count, context = chunk.ContextBefore;
        var mask = new float[count * length];
        for (var i = 0; i < count; i++)
            for (var j = context + i + 1; j < length; j++) mask[i * length + j] = float.NegativeInfinity;
        return (Tensor.From<long>(chunk.KeySlots, device), Tensor.From<float>(mask, [1, count, length], device), length);
    }

    /// <summary>FinalNorm and the tied projection on each sampling chunk's last token, restricted to
    /// its action range; rows that share a range share one product.</summary>
    private List<float[]> SampledLogits(List<PlannedChunk> runOrder, BatchPlan plan, Tensor hidden, Device device)
    {
        var lastRow = new Dictionary<PlannedChunk, long>();
        long row = 0;
        foreach (var chunk in runOrder)
        {
            row += chunk.Count;
            lastRow[chunk] = row - 1;
        }
        var sampling = plan.Chunks.Where(c => c.SampleAction >= 0).ToList();
        var result = new float[sampling.Count][];
        foreach (var group in sampling.Select((c, i) => (Chunk: c, Index: i)).GroupBy(e => e.Chunk.SampleRange))
        {
            var members = group.ToList();
            using var rows = Tensor.From<long>([.. members.Select(m => lastRow[m.Chunk])], device);
            var h = hidden.IndexSelect(0, rows);
            var logits = model.Logits(h, (int)group.Key.Lo, (int)group.Key.Hi).To(Device.Cpu).ToArray<float>(); // [m, hi - lo]
            var width = (int)group.Key.Count;
            for (var i = 0; i < members.Count; i++) result[members[i].Index] = logits.AsSpan(i * width, width).ToArray();
        }
        return [.. result];
    }

    private static TokenBatchInputs Gather(List<PlannedChunk> chunks)
    {
        var ids = new List<long>();
        var positions = new List<long>();
        var patches = new List<float>();
        var rows = new List<long>();
        var cols = new List<long>();
        foreach (var chunk in chunks)
            foreach (var (segment, offset, count) in chunk.Pieces)
            {
                var tokens = segment.Tokens;
                var patch = segment.PatchIndexAt(offset);
                for (var i = offset; i < offset + count; i++)
                {
                    ids.Add(tokens.Ids[i]);
                    positions.Add(tokens.LocalPositions[i]);
                    if (tokens.Ids[i] >= 0) continue;
                    patches.AddRange(tokens.Patches.AsSpan(patch * TokenBatchInputs.PatchPixels, TokenBatchInputs.PatchPixels));
                    rows.Add(tokens.PatchRows[patch]);
                    cols.Add(tokens.PatchCols[patch]);
                    patch++;
                }
            }
        return new TokenBatchInputs([.. ids], [.. positions], [.. patches], [.. rows], [.. cols]);
    }

    public void Dispose()
    {
        foreach (var t in keys) t.Dispose();
        foreach (var t in values) t.Dispose();
    }
}
