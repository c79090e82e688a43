using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019: Adam with decoupled weight decay and bias correction), the
/// optimizer Gato trains with (paper section 2.3). One native call updates every parameter
/// (native/torch/optim.cpp). It works on any set of named parameters, so a ZeRO-1 worker can give it
/// only its shard; its state is named tensors, so a checkpoint saves and restores it exactly:
/// "{name}.exp_avg", "{name}.exp_avg_sq" (same shape as the parameter) and "{name}.step" (an int64
/// scalar: the parameter's own update count, which advances only on steps where it had a gradient).
/// The parameters stay owned by the caller; the moment tensors are owned by the optimizer.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly string[] names;
    private readonly Tensor[] parameters;
    private readonly Tensor[] expAvg;
    private readonly Tensor[] expAvgSq;
    private readonly long[] steps;
    private readonly AdamWOptions options;
    private bool disposed;

    public AdamW(IEnumerable<KeyValuePair<string, Tensor>> parameters, AdamWOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        this.options = options ?? new AdamWOptions();
        this.options.Validate();
        LearningRate = this.options.LearningRate;
        var list = parameters.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, p) in list)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("a parameter has no name", nameof(parameters));
            if (!seen.Add(name)) throw new ArgumentException($"parameter name '{name}' appears twice", nameof(parameters));
            if (p is null) throw new ArgumentNullException(nameof(parameters), $"parameter '{name}' is null");
            if (p.DType is not (DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16))
                throw new ArgumentException($"parameter '{name}' has dtype {p.DType}; AdamW needs a floating-point parameter", nameof(parameters));
        }
        names = list.Select(p => p.Key).ToArray();
        this.parameters = list.Select(p => p.Value).ToArray();
        expAvg = this.parameters.Select(ZerosLike).ToArray();
        expAvgSq = this.parameters.Select(ZerosLike).ToArray();
        steps = new long[names.Length];
    }

    /// <summary>The learning rate the next <see cref="Step"/> uses; a schedule sets it every step.</summary>
    public double LearningRate
    {
        get;
        set => field = value >= 0 && !double.IsInfinity(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "a finite learning rate >= 0");
    }

    public AdamWOptions Options => options;

    /// <summary>The parameter names, in the order given.</summary>
    public IReadOnlyList<string> ParameterNames => names;

    /// <summary>Updates every parameter that has a gradient, in place, in one native call.</summary>
    public unsafe void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var p = new BorrowedHandles(parameters);
        using var m = new BorrowedHandles(expAvg);
        using var v = new BorrowedHandles(expAvgSq);
        fixed (IntPtr* pp = p.Pointers, mp = m.Pointers, vp = v.Pointers)
        fixed (long* s = steps)
            Check(gm_adamw_step(pp, mp, vp, s, names.Length, LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay));
    }

    /// <summary>Zeroes every parameter's gradient (those that have one).</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.ZeroGrad();
    }

    /// <summary>
    /// The state as named tensors: new handles sharing the optimizer's storage for the moments (no copy;
    /// dispose them when done) and fresh int64 scalars for the step counts.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> State()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var state = new List<KeyValuePair<string, Tensor>>(names.Length * 3);
        for (var i = 0; i < names.Length; i++)
        {
            state.Add(new($"{names[i]}.exp_avg", expAvg[i].Detach()));
            state.Add(new($"{names[i]}.exp_avg_sq", expAvgSq[i].Detach()));
            state.Add(new($"{names[i]}.step", Tensor.Scalar(steps[i], DType.Int64)));
        }
        return state;
    }

    /// <summary>
    /// Restores state saved by <see cref="State"/> (values are copied; <paramref name="state"/> stays the
    /// caller's). Every parameter's three entries must be present with matching shapes; entries of other
    /// parameters are ignored, so one file can hold many shards. Nothing changes unless all are valid.
    /// </summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(state);
        var loadedSteps = new long[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var shape = parameters[i].Shape;
            foreach (var suffix in (string[])["exp_avg", "exp_avg_sq"])
            {
                var m = Entry(state, $"{names[i]}.{suffix}");
                if (!m.Shape.SequenceEqual(shape))
                    throw new ArgumentException($"state '{names[i]}.{suffix}' has shape [{string.Join(", ", m.Shape)}] but the parameter has [{string.Join(", ", shape)}]", nameof(state));
            }
            var step = Entry(state, $"{names[i]}.step");
            if (step.Count != 1 || step.DType != DType.Int64)
                throw new ArgumentException($"state '{names[i]}.step' must be an int64 scalar, not {step}", nameof(state));
            loadedSteps[i] = (long)step.Item();
            if (loadedSteps[i] < 0) throw new ArgumentException($"state '{names[i]}.step' is {loadedSteps[i]}, below 0", nameof(state));
        }
        for (var i = 0; i < names.Length; i++)
        {
            Replace(expAvg, i, state[$"{names[i]}.exp_avg"]);
            Replace(expAvgSq, i, state[$"{names[i]}.exp_avg_sq"]);
            steps[i] = loadedSteps[i];
        }
    }

    private void Replace(Tensor[] moments, int i, Tensor source)
    {
        var p = parameters[i];
        using var converted = source.To(p.DType, p.Device);
        var copy = converted.Clone().DetachFromScope();
        moments[i].Dispose();
        moments[i] = copy;
    }

    private static Tensor Entry(IReadOnlyDictionary<string, Tensor> state, string name) =>
        state.TryGetValue(name, out var t) && t is not null
            ? t
            : throw new ArgumentException($"state has no tensor '{name}'", nameof(state));

    private static Tensor ZerosLike(Tensor p) => Tensor.Zeros(p.Shape, p.DType, p.Device).DetachFromScope();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in expAvg) t.Dispose();
        foreach (var t in expAvgSq) t.Dispose();
    }
}
