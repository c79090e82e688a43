using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// Executes one <see cref="BatchPlan"/> as a single forward pass through the model's own modules
/// over the paged KV cache (vLLM's model runner). Every new token of every chunk goes through the
/// embedding and the blocks together; only attention is per sequence: each block writes the new
/// keys and values at their physical slots, then each token attends over its sequence's live slots
/// up to itself — short chunks (decode steps) read the pool in place (<see cref="HostKvPool"/>),
/// longer chunks (prefill) gather their sequence's slots once per layer and attend with torch
/// products and a causal mask. Logits are computed only for tokens that sample, and only for their
/// action's id range (h @ E[lo:hi]^T). Engine thread only.
/// </summary>
internal sealed class ModelRunner
{
    private readonly GatoModel model;
    private readonly HostKvPool pool;
    private readonly AttentionWorkers workers;
    private readonly int heads, kvSize, attentionWidth;
    private readonly double scale;

    public ModelRunner(GatoModel model, int slots, AttentionWorkers workers)
    {
        this.model = model;
        this.workers = workers;
        var c = model.Config;
        heads = c.Heads;
        kvSize = c.KvSize;
        attentionWidth = c.AttentionWidth;
        scale = 1.0 / Math.Sqrt(kvSize); // docs/MODEL.md: attention scale 1/sqrt(kv_size)
        pool = new HostKvPool(c.Layers, slots, heads, kvSize);
    }

    public GatoModel Model => model;

    /// <summary>Runs the plan; returns the restricted logits of each sampling chunk, in plan order.
    /// Call inside a <see cref="NoGradScope"/>; intermediates die with the caller's dispose scope.</summary>
    public List<float[]> Run(BatchPlan plan)
    {
        // Short chunks first: their attention outputs fill one host buffer in row order.
        var chunks = plan.Chunks.Where(IsShort).Concat(plan.Chunks.Where(c => !IsShort(c))).ToList();
        var shortCount = chunks.TakeWhile(IsShort).Count();
        var shortRows = chunks.Take(shortCount).Sum(c => c.Count);
        var device = model.Embed.Tokens.Weight.Device;

        var inputs = Gather(chunks);
        long[] slots = [.. chunks.SelectMany(c => c.NewSlots)];
        var masks = chunks.Skip(shortCount).Select(c => CausalMask(c, device)).ToList();
        var n = slots.Length;
        var qkvHost = new float[n * 3 * attentionWidth];
        var attended = new float[shortRows * attentionWidth];
        var maxKeys = chunks.Count == 0 ? 0 : chunks.Max(c => c.KeySlots.Length);
        var scores = Enumerable.Range(0, workers.Threads).Select(_ => new float[heads * maxKeys]).ToArray(); // scratch per worker
        var rowChunk = new PlannedChunk[shortRows];
        var rowIndex = new int[shortRows];
        for (int c = 0, r = 0; c < shortCount; c++)
            for (var i = 0; i < chunks[c].Count; i++, r++) (rowChunk[r], rowIndex[r]) = (chunks[c], i);

        var x = model.Embed.Forward(inputs); // [N, width]
        for (var l = 0; l < model.Blocks.Count; l++)
        {
            var block = model.Blocks[l];
            var qkv = block.Qkv.Forward(block.Ln1.Forward(x));                 // [N, 3 * heads * kv_size]: q | k | v
            qkv.CopyTo<float>(qkvHost);
            pool.Write(l, qkvHost, slots);

            var outputs = new List<Tensor>(masks.Count + 1);
            var layer = l;
            workers.Run(shortRows, minimumPerThread: 4, (worker, first, end) =>
            {
                for (var r = first; r < end; r++)
                    pool.Attend(layer, qkvHost.AsSpan(r * 3 * attentionWidth, attentionWidth), rowChunk[r].KeySlots,
                        rowChunk[r].ContextBefore + rowIndex[r] + 1, scores[worker], attended.AsSpan(r * attentionWidth, attentionWidth));
            });
            var row = shortRows;
            if (shortRows > 0) outputs.Add(Tensor.From<float>(attended, [shortRows, attentionWidth], device));
            for (var c = shortCount; c < chunks.Count; c++)
            {
                var chunk = chunks[c];
                outputs.Add(AttendLong(l, qkv.Narrow(0, row, chunk.Count).Narrow(1, 0, attentionWidth), chunk, masks[c - shortCount], device));
                row += chunk.Count;
            }
            var attention = outputs.Count == 1 ? outputs[0] : Tensor.Cat([.. outputs]); // [N, heads * kv_size]
            x = x + block.Out.Forward(attention);
            x = x + block.Fc2.Forward(Functional.Gelu(block.Fc1.Forward(block.Ln2.Forward(x))));
        }

        return SampledLogits(chunks, plan, x, device);
    }

    /// <summary>Chunks at most this long attend in place from the host pool; longer ones (prefill)
    /// are compute-bound and go through torch's matrix products.</summary>
    private const int ShortChunk = 8;

    private static bool IsShort(PlannedChunk chunk) => chunk.Count <= ShortChunk;

    /// <summary>A long chunk of one sequence: queries [T, heads * kv] over its gathered live slots
    /// [L], causal (token i sees the context and the new tokens up to itself); returns [T, heads * kv].</summary>
    private Tensor AttendLong(int layer, Tensor q, PlannedChunk chunk, Tensor mask, Device device)
    {
        long t = chunk.Count, length = chunk.KeySlots.Length;
        var keyRows = new float[length * attentionWidth];
        var valueRows = new float[length * attentionWidth];
        pool.Gather(layer, chunk.KeySlots, keyRows, valueRows);
        var k = Tensor.From<float>(keyRows, [length, heads, kvSize], device).Transpose(0, 1);   // [heads, L, kv]
        var v = Tensor.From<float>(valueRows, [length, heads, kvSize], device).Transpose(0, 1);
        var queries = (q * scale).View(t, heads, kvSize).Transpose(0, 1);                        // [heads, T, kv]
        var weights = Functional.Softmax(queries.MatMul(k.Transpose(1, 2)) + mask, -1);          // [heads, T, L]
        return weights.MatMul(v).Transpose(0, 1).Reshape(t, attentionWidth);
    }

    /// <summary>Additive mask [1, T, L]: 0 where token i may see key j (j &lt;= ContextBefore + i), -inf after.</summary>
    private static Tensor CausalMask(PlannedChunk chunk, Device device)
    {
        long length = chunk.KeySlots.Length, count = chunk.Count, context = chunk.ContextBefore;
        var mask = new float[count * length];
        for (var i = 0; i < count; i++)
            for (var j = context + i + 1; j < length; j++) mask[i * length + j] = float.NegativeInfinity;
        return Tensor.From<float>(mask, [1, count, length], device);
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
}
