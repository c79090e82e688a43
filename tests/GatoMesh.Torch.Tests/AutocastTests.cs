namespace GatoMesh.Torch.Tests;

/// <summary>CPU autocast (<see cref="AutocastScope"/>): bfloat16 matrix products inside the scope, fp32 outside,
/// fp32 gradients on fp32 leaves, and no cast weight outliving its scope.</summary>
public class AutocastTests
{
    [Fact]
    public void Matrix_products_compute_in_bfloat16_inside_the_scope_and_fp32_after_it()
    {
        using var a = Tensor.From<float>([0.5f, -1.25f, 2f, 0.75f], [2, 2]);
        using var b = Tensor.From<float>([1f, 2f, -3f, 0.25f], [2, 2]);
        Assert.False(AutocastScope.Enabled);
        using (new AutocastScope())
        {
            Assert.True(AutocastScope.Enabled);
            using var product = a.MatMul(b);
            using var linear = Functional.Linear(a, b);
            Assert.Equal(DType.BFloat16, product.DType);
            Assert.Equal(DType.BFloat16, linear.DType);
            // Values exact in bfloat16 give the fp32 product exactly.
            using var widened = product.To(DType.Float32);
            Assert.Equal([4.25f, 0.6875f, -0.25f, 4.1875f], widened.ToArray<float>());
        }
        Assert.False(AutocastScope.Enabled);
        using var after = a.MatMul(b);
        Assert.Equal(DType.Float32, after.DType);
    }

    [Fact]
    public void A_nested_scope_leaves_the_outer_one_on()
    {
        using (new AutocastScope())
        {
            using (new AutocastScope())
                Assert.True(AutocastScope.Enabled);
            Assert.True(AutocastScope.Enabled);
        }
        Assert.False(AutocastScope.Enabled);
    }

    [Fact]
    public void Gradients_reach_the_fp32_leaves_in_fp32_and_match_the_fp32_gradients_closely()
    {
        var values = Enumerable.Range(0, 64 * 32).Select(i => (float)Math.Sin(0.37 * i)).ToArray();
        var inputs = Enumerable.Range(0, 16 * 64).Select(i => (float)Math.Cos(0.11 * i)).ToArray();
        using var x = Tensor.From<float>(inputs, [16, 64]);
        var (fp32, fp32Loss) = Gradient(values, x, autocast: false);
        var (bf16, bf16Loss) = Gradient(values, x, autocast: true);
        Assert.NotEqual(fp32Loss, bf16Loss); // the products really were rounded
        Assert.Equal(fp32Loss, bf16Loss, 0.02 * Math.Abs(fp32Loss));
        var scale = fp32.Max(Math.Abs);
        for (var i = 0; i < fp32.Length; i++)
            Assert.True(Math.Abs(fp32[i] - bf16[i]) <= 0.02 * scale, $"gradient {i}: fp32 {fp32[i]}, bf16 {bf16[i]}");
    }

    static (float[] Gradient, double Loss) Gradient(float[] values, Tensor x, bool autocast)
    {
        using var weight = Tensor.From<float>(values, [32, 64]).RequireGrad();
        double loss;
        using (autocast ? new AutocastScope() : (IDisposable?)null)
        {
            using var y = Functional.Linear(x, weight);
            using var squared = y.To(DType.Float32) * y.To(DType.Float32);
            using var total = squared.Sum();
            loss = total.Item();
            total.Backward();
        }
        using var grad = weight.Grad!;
        Assert.Equal(DType.Float32, grad.DType);
        return (grad.ToArray<float>(), loss);
    }

    [Fact]
    public void A_weight_updated_between_scopes_is_cast_afresh()
    {
        // Inside a scope libtorch caches the bfloat16 copy of a leaf that requires grad; the outermost scope's end
        // must drop it, or the next forward would multiply by the weight as it was before the optimizer step.
        using var x = Tensor.Ones([1, 4]);
        using var weight = Tensor.Ones([4, 4]).RequireGrad();
        float before, after;
        using (new AutocastScope())
        using (var y = Functional.Linear(x, weight))
        using (var wide = y.To(DType.Float32))
            before = wide.ToArray<float>()[0];
        using (new NoGradScope())
            weight.Fill(2);
        using (new AutocastScope())
        using (var y = Functional.Linear(x, weight))
        using (var wide = y.To(DType.Float32))
            after = wide.ToArray<float>()[0];
        Assert.Equal(4f, before);
        Assert.Equal(8f, after);
    }

    [Fact]
    public void Only_bfloat16_is_accepted_and_the_scope_must_end_on_its_thread()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutocastScope(DType.Float16));
        Assert.False(AutocastScope.Enabled);
        var scope = new AutocastScope();
        Exception? error = null;
        var other = new Thread(() => error = Record.Exception(scope.Dispose));
        other.Start();
        other.Join();
        Assert.IsType<InvalidOperationException>(error);
        scope.Dispose();
        Assert.False(AutocastScope.Enabled);
    }
}
