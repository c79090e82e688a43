using GatoMesh.Tokens;
using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// <see cref="ActionSampler"/>'s rules computed on the device where the logits are, so an iteration copies
/// back one small vector (a double per sampling chunk) instead of every row's logits. Per row: greedy, the
/// argmax (the first maximum, as on the host); a draw at temperature T, the first index whose running sum
/// of exp((l - max) / T) exceeds u times the total, u the row's counter-based uniform computed on the host;
/// a continuous token, the expected value over the bins' decoded values, quantized back to its bin on the
/// host (<see cref="MuLaw.Bin"/>). Exponentials and sums in float64 from the same float differences as the
/// host's, so on a CPU device the actions equal the host sampler's.
/// </summary>
internal sealed class DeviceSampler(Device device) : IDisposable
{
    private const int Greedy = 0, Draw = 1, Expected = 2;

    private readonly Tensor binValues = Tensor.From<double>([.. Enumerable.Range(0, TokenSpace.BinCount).Select(MuLaw.Decode)], device)
        .View(TokenSpace.BinCount, 1).DetachFromScope();
    private readonly List<(Tensor Values, TokenRange Range, int[] Targets, int[] Modes)> parts = [];

    public void Begin() => parts.Clear();

    /// <summary>Samples the rows of <paramref name="logits"/> [m, n], row i for chunk <paramref name="members"/>[i],
    /// whose result goes to sampled index <paramref name="targets"/>[chunk].</summary>
    public void Add(Tensor logits, TokenRange range, List<int> members, List<PlannedChunk> chunks, int[] targets)
    {
        var m = members.Count;
        var modes = new int[m];
        var temperature = new float[m];
        var uniform = new double[m];
        for (var i = 0; i < m; i++)
        {
            var chunk = chunks[members[i]];
            var request = chunk.Sequence.InFlight!.Request;
            var sampling = request.Sampling;
            modes[i] = range.Continuous && !sampling.ContinuousAsTokens ? Expected : sampling.Temperature <= 0 ? Greedy : Draw;
            temperature[i] = modes[i] == Draw ? sampling.Temperature : 1;
            uniform[i] = modes[i] == Draw ? ActionSampler.Uniform(sampling.Seed, request.Timestep, chunk.SampleAction) : 0;
        }
        var max = logits.Max(1, keepDim: true).Values;
        var values = logits.ArgMax(1).To(DType.Float64); // greedy: the first maximum
        if (modes.Contains(Draw))
        {
            var t = Tensor.From<float>(temperature, [m, 1], device);
            var weights = ((logits - max) / t).To(DType.Float64).Exp();             // the host's float difference, then exp in double
            var running = weights.CumSum(1);
            var threshold = running.Narrow(1, range.Count - 1, 1) * Tensor.From<double>(uniform, [m, 1], device);
            var drawn = running.Le(threshold).To(DType.Float64).Sum(1).Clamp(max: range.Count - 1);
            values = Tensor.Where(Mode(modes, Draw), drawn, values);
        }
        if (modes.Contains(Expected))
        {
            var weights = (logits - max).To(DType.Float64).Exp();                   // [m, 1024]
            var mean = weights.MatMul(binValues).View(m) / weights.Sum(1);
            values = Tensor.Where(Mode(modes, Expected), mean, values);
        }
        parts.Add((values, range, [.. members.Select(c => targets[c])], modes));
    }

    private Tensor Mode(int[] modes, int mode) => Tensor.From<bool>([.. modes.Select(x => x == mode)], device);

    /// <summary>One copy back: every part's values, turned into token ids in <paramref name="sampled"/>.</summary>
    public void Finish(long[] sampled)
    {
        if (parts.Count == 0) return;
        var all = parts.Count == 1 ? parts[0].Values : Tensor.Cat([.. parts.Select(p => p.Values)]);
        var host = new double[all.Count];
        all.CopyAs<double>(host);
        var k = 0;
        foreach (var (_, range, targets, modes) in parts)
            for (var i = 0; i < targets.Length; i++, k++)
                sampled[targets[i]] = range.Lo + (modes[i] == Expected ? MuLaw.Bin(host[k]) : (long)host[k]);
    }

    public void Dispose() => binValues.Dispose();
}
