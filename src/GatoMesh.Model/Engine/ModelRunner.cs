using GatoMesh.Tokens;
using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// Executes one <see cref="BatchPlan"/> as a single forward pass (vLLM's model runner): every new token of
/// every chunk is embedded and goes through the model's own blocks (<see cref="TransformerBlock"/>, the one
/// forward pass) with the engine's paged attention backend, which writes the new keys and values to their
/// slots and lets each token attend over its sequence's live keys up to itself. Logits are computed only for
/// tokens that sample, only over their action's id range (h @ E[lo:hi]^T), one product per range; the
/// action tokens are sampled from them (<see cref="ActionSampler"/> on the host pool; on a device pool,
/// <see cref="DeviceSampler"/> on the device with one copy of the actions back). The input and output
/// buffers are reused across iterations. Engine thread only.
/// </summary>
internal sealed class ModelRunner : IDisposable
{
    private readonly IPagedAttention attention;
    private readonly DeviceSampler? deviceSampler;
    private readonly List<(TokenRange Range, List<int> Chunks)> groups = [];
    private long[] ids = [], positions = [], patchRows = [], patchCols = [], sampleRows = [], sampled = [];
    private int[] lastRow = [], samplingIndex = [];
    private float[] pixels = [], logits = [];
    private ServingModel weights;

    public ModelRunner(ServingModel weights, EngineOptions options, int blocks, AttentionWorkers workers)
    {
        this.weights = weights;
        var config = weights.Model.Config;
        if (options.Placement(weights.Device) == KvPoolPlacement.Host)
            attention = new HostPagedAttention(config, blocks, options.BlockSize, workers, options.AttentionParallelWork);
        else
        {
            attention = new DevicePagedAttention(config, blocks * options.BlockSize, weights.Device,
                options.Precision == ComputePrecision.BFloat16 ? DType.BFloat16 : DType.Float32);
            deviceSampler = new DeviceSampler(weights.Device);
        }
    }

    public GatoModel Model => weights.Model;

    /// <summary>Sees each sampling chunk's restricted logits before they are sampled (tests compare them
    /// with full recomputes). On a device pool this copies the logits to the host.</summary>
    public Action<PlannedChunk, ReadOnlySpan<float>>? ObserveLogits { get; set; }

    /// <summary>Serves <paramref name="next"/> from now on (a swap: the scheduler dropped every cache first);
    /// returns the weights replaced, for the caller to dispose.</summary>
    public ServingModel Use(ServingModel next)
    {
        var previous = weights;
        weights = next;
        return previous;
    }

    /// <summary>Runs the plan; returns the sampled token of each sampling chunk, in plan order (valid until
    /// the next call). Call inside a <see cref="NoGradScope"/>; intermediates die with the caller's dispose scope.</summary>
    public ReadOnlySpan<long> Run(BatchPlan plan)
    {
        var model = weights.Model;
        var device = weights.Device;
        var x = Embed(plan, model); // [N, width]
        attention.Begin(plan);
        using (model.Autocast())
            for (var l = 0; l < model.Blocks.Count; l++) x = model.Blocks[l].Forward(x, attention, l);
        return Sample(plan, x, model, device);
    }

    private Tensor Embed(BatchPlan plan, GatoModel model)
    {
        int n = plan.Tokens, p = 0, t = 0;
        foreach (var chunk in plan.Chunks)
            foreach (var (segment, offset, count) in chunk.Pieces)
                for (var i = offset; i < offset + count; i++)
                    if (segment.Tokens.Ids[i] < 0) p++;
        Grow(ref ids, n);
        Grow(ref positions, n);
        Grow(ref patchRows, p);
        Grow(ref patchCols, p);
        Grow(ref pixels, p * TokenBatchInputs.PatchPixels);
        p = 0;
        foreach (var chunk in plan.Chunks)
            foreach (var (segment, offset, count) in chunk.Pieces)
            {
                var tokens = segment.Tokens;
                var patch = segment.PatchIndexAt(offset);
                for (var i = offset; i < offset + count; i++, t++)
                {
                    ids[t] = tokens.Ids[i];
                    positions[t] = tokens.LocalPositions[i];
                    if (tokens.Ids[i] >= 0) continue;
                    tokens.Patches.AsSpan(patch * TokenBatchInputs.PatchPixels, TokenBatchInputs.PatchPixels)
                        .CopyTo(pixels.AsSpan(p * TokenBatchInputs.PatchPixels));
                    patchRows[p] = tokens.PatchRows[patch];
                    patchCols[p++] = tokens.PatchCols[patch++];
                }
            }
        return model.Embed.Forward(ids.AsSpan(0, n), positions.AsSpan(0, n), pixels.AsSpan(0, p * TokenBatchInputs.PatchPixels),
            patchRows.AsSpan(0, p), patchCols.AsSpan(0, p));
    }

    /// <summary>FinalNorm and the tied projection on each sampling chunk's last token, restricted to its
    /// action range (rows sharing a range share one product), then one action token per chunk.</summary>
    private ReadOnlySpan<long> Sample(BatchPlan plan, Tensor hidden, GatoModel model, Device device)
    {
        var chunks = plan.Chunks;
        Grow(ref sampled, plan.SamplingChunks);
        Grow(ref lastRow, chunks.Count);
        Grow(ref samplingIndex, chunks.Count);
        foreach (var (_, members) in groups) members.Clear();
        for (int c = 0, row = 0, k = 0; c < chunks.Count; c++)
        {
            row += chunks[c].Count;
            lastRow[c] = row - 1;
            if (chunks[c].SampleAction < 0) continue;
            samplingIndex[c] = k++;
            var group = groups.FindIndex(g => g.Range == chunks[c].SampleRange);
            if (group < 0)
            {
                groups.Add((chunks[c].SampleRange, []));
                group = groups.Count - 1;
            }
            groups[group].Chunks.Add(c);
        }
        Grow(ref sampleRows, chunks.Count);
        deviceSampler?.Begin();
        foreach (var (range, members) in groups)
        {
            if (members.Count == 0) continue;
            for (var i = 0; i < members.Count; i++) sampleRows[i] = lastRow[members[i]];
            var rows = Tensor.From<long>(sampleRows.AsSpan(0, members.Count), [members.Count], device);
            var restricted = model.Logits(hidden.IndexSelect(0, rows), (int)range.Lo, (int)range.Hi); // [m, hi - lo]
            var width = (int)range.Count;
            if (deviceSampler is null || ObserveLogits is not null)
            {
                Grow(ref logits, members.Count * width);
                restricted.CopyAs<float>(logits);
                for (var i = 0; i < members.Count; i++)
                    ObserveLogits?.Invoke(chunks[members[i]], logits.AsSpan(i * width, width));
            }
            if (deviceSampler is not null)
            {
                deviceSampler.Add(restricted, range, members, chunks, samplingIndex);
                continue;
            }
            foreach (var (c, i) in members.Select((c, i) => (c, i)))
            {
                var request = chunks[c].Sequence.InFlight!.Request;
                sampled[samplingIndex[c]] = ActionSampler.Sample(logits.AsSpan(i * width, width), range, request.Sampling,
                    request.Timestep, chunks[c].SampleAction);
            }
        }
        deviceSampler?.Finish(sampled);
        return sampled.AsSpan(0, plan.SamplingChunks);
    }

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, 2 * buffer.Length)];
    }

    public void Dispose()
    {
        attention.Dispose();
        deviceSampler?.Dispose();
        weights.Dispose();
    }
}
