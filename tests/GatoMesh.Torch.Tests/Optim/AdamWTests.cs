using GatoMesh.Torch.Optim;

namespace GatoMesh.Torch.Tests.Optim;

public class AdamWTests
{
    private static readonly AdamWOptions Options = new() { LearningRate = 0.01, Beta1 = 0.9, Beta2 = 0.95, Epsilon = 1e-8, WeightDecay = 0.1 };

    [Fact]
    public void Two_steps_equal_the_AdamW_formula_computed_by_hand()
    {
        double[] p = [1.0, -2.0, 0.5];
        double[][] grads = [[0.1, -0.3, 2.0], [-0.2, 0.4, 1.0]];
        using var parameter = Tensor.From<double>(p);
        using var adamw = new AdamW([new("w", parameter)], Options);

        // Loshchilov & Hutter, algorithm 2 (decoupled decay), with Adam's bias correction.
        double[] m = new double[3], v = new double[3], expected = (double[])p.Clone();
        for (var t = 1; t <= 2; t++)
        {
            using (var g = Tensor.From<double>(grads[t - 1])) parameter.Grad = g;
            adamw.Step();
            for (var i = 0; i < 3; i++)
            {
                var gi = grads[t - 1][i];
                expected[i] -= Options.LearningRate * Options.WeightDecay * expected[i];
                m[i] = 0.9 * m[i] + 0.1 * gi;
                v[i] = 0.95 * v[i] + 0.05 * gi * gi;
                var mHat = m[i] / (1 - Math.Pow(0.9, t));
                var vHat = v[i] / (1 - Math.Pow(0.95, t));
                expected[i] -= Options.LearningRate * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
            var actual = parameter.ToArray<double>();
            for (var i = 0; i < 3; i++) Assert.Equal(expected[i], actual[i], 1e-12);
        }

        var state = adamw.State().ToDictionary(s => s.Key, s => s.Value);
        try
        {
            Assert.Equal(["w.exp_avg", "w.exp_avg_sq", "w.step"], state.Keys);
            Assert.Equal(2.0, state["w.step"].Item());
            var mActual = state["w.exp_avg"].ToArray<double>();
            var vActual = state["w.exp_avg_sq"].ToArray<double>();
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(m[i], mActual[i], 1e-15);
                Assert.Equal(v[i], vActual[i], 1e-15);
            }
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_alone_and_keeps_its_step_count()
    {
        using var a = Tensor.From<float>([1f, 2f]);
        using var b = Tensor.From<float>([3f]);
        using var adamw = new AdamW([new("a", a), new("b", b)], Options);
        using (var g = Tensor.From<float>([1f, 1f])) a.Grad = g;
        adamw.Step();
        Assert.Equal([3f], b.ToArray<float>());
        Assert.NotEqual([1f, 2f], a.ToArray<float>());
        var state = adamw.State();
        Assert.Equal(1.0, state.Single(s => s.Key == "a.step").Value.Item());
        Assert.Equal(0.0, state.Single(s => s.Key == "b.step").Value.Item());
        foreach (var s in state) s.Value.Dispose();
    }

    [Fact]
    public void Restored_state_continues_exactly_where_the_saved_optimizer_would()
    {
        using var original = Tensor.From<float>([0.5f, -1f, 2f, 4f], [2, 2]);
        using var copy = original.Clone();
        using var first = new AdamW([new("layer.weight", original)], Options);
        using var grad = Tensor.From<float>([0.3f, -0.1f, 0.2f, 1f], [2, 2]);
        original.Grad = grad;
        first.Step();
        first.Step();

        // The copy has taken the same two steps only through the saved state.
        using (var replay = new AdamW([new("layer.weight", copy)], Options))
        {
            copy.Grad = grad;
            replay.Step();
            replay.Step();
        }
        using var second = new AdamW([new("layer.weight", copy)], Options);
        var saved = first.State();
        second.LoadState(saved.ToDictionary(s => s.Key, s => s.Value));
        foreach (var s in saved) s.Value.Dispose();

        first.Step();
        second.Step();
        Assert.Equal(original.ToArray<float>(), copy.ToArray<float>());
    }

    [Fact]
    public void A_gradient_of_the_wrong_shape_is_refused_and_changes_nothing()
    {
        using var a = Tensor.From<float>([1f, 2f]);
        using var b = Tensor.From<float>([3f, 4f]);
        using var adamw = new AdamW([new("a", a), new("b", b)], Options);
        using (var g = Tensor.From<float>([1f, 1f])) a.Grad = g;
        using (var g = Tensor.From<float>([1f, 1f, 1f])) b.Grad = g;
        var e = Assert.Throws<TorchException>(adamw.Step);
        Assert.Contains("gradient has shape [3]", e.Message);
        Assert.Equal([1f, 2f], a.ToArray<float>());
    }

    [Fact]
    public void Bad_construction_and_state_are_refused_by_name()
    {
        using var w = Tensor.From<float>([1f]);
        using var ids = Tensor.From<long>([1]);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new AdamW([new("w", w), new("w", w)])).Message);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => new AdamW([new("ids", ids)])).Message);
        Assert.Equal("Beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([new("w", w)], new AdamWOptions { Beta2 = 1 })).ParamName);
        using var adamw = new AdamW([new("w", w)]);
        Assert.Contains("'w.exp_avg'", Assert.Throws<ArgumentException>(() => adamw.LoadState(new Dictionary<string, Tensor>())).Message);
        Assert.Equal(0.9, adamw.Options.Beta1);
        Assert.Equal(0.95, adamw.Options.Beta2);
        Assert.Equal(1e-8, adamw.Options.Epsilon);
    }
}
