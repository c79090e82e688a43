using GatoMesh.Torch;
using GatoMesh.Torch.Nn;
using F = GatoMesh.Torch.Functional;

namespace GatoMesh.Torch.Tests;

public class GradientTests
{
    /// <summary>Linear -> GELU -> Linear -> masked cross-entropy, in float64.</summary>
    private sealed class Mlp : Module
    {
        public Mlp(Generator generator)
        {
            Hidden = RegisterModule("hidden", new Linear(4, 6, generator: generator, dtype: DType.Float64));
            Output = RegisterModule("output", new Linear(6, 5, generator: generator, dtype: DType.Float64));
        }

        public Linear Hidden { get; }
        public Linear Output { get; }

        public Tensor Loss(Tensor x, Tensor targets, Tensor mask)
        {
            using var scope = DisposeScope.Begin();
            var logits = Output.Forward(F.Gelu(Hidden.Forward(x)));
            return F.MaskedCrossEntropy(logits, targets, mask).Loss.MoveToOuterScope();
        }
    }

    [Fact]
    public void Mlp_gradients_equal_central_finite_differences()
    {
        using var generator = new Generator(7);
        using var mlp = new Mlp(generator);
        using var x = Tensor.Randn([3, 4], generator, DType.Float64).RequireGrad();
        using var targets = Tensor.From<long>([1, 4, 0]);
        using var mask = Tensor.From<bool>([true, false, true]);

        using (var loss = mlp.Loss(x, targets, mask)) loss.Backward();

        foreach (var (name, p) in mlp.NamedParameters().Append(("x", x)))
        {
            using var grad = p.Grad!;
            var analytic = grad.ToArray<double>();
            var values = p.ToArray<double>();
            for (var i = 0; i < values.Length; i++)
            {
                var numeric = (LossWith(p, values, i, +1e-6) - LossWith(p, values, i, -1e-6)) / 2e-6;
                Assert.True(Math.Abs(analytic[i] - numeric) <= 1e-5 * Math.Max(Math.Abs(numeric), 1e-2),
                    $"d loss / d {name}[{i}]: autograd {analytic[i]}, finite difference {numeric}");
            }
            Set(p, values);
        }

        double LossWith(Tensor p, double[] values, int i, double delta)
        {
            var moved = (double[])values.Clone();
            moved[i] += delta;
            Set(p, moved);
            using var noGrad = new NoGradScope();
            using var loss = mlp.Loss(x, targets, mask);
            return loss.Item();
        }

        static void Set(Tensor p, double[] values)
        {
            using var noGrad = new NoGradScope();
            using var source = Tensor.From<double>(values, p.Shape);
            p.CopyFrom(source);
        }
    }

    [Fact]
    public void Masked_positions_get_no_gradient()
    {
        using var logits = Tensor.From<double>([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3]).RequireGrad();
        using var targets = Tensor.From<long>([2, 0]);
        using var mask = Tensor.From<bool>([false, true]);
        var (loss, perToken) = F.MaskedCrossEntropy(logits, targets, mask);
        using (loss)
        using (perToken)
            loss.Backward();
        using var grad = logits.Grad!;
        var g = grad.ToArray<double>();
        Assert.Equal([0.0, 0.0, 0.0], g[..3]);
        Assert.All(g[3..], v => Assert.NotEqual(0.0, v));
    }

    [Fact]
    public void An_empty_mask_gives_zero_loss_not_nan()
    {
        using var logits = Tensor.Zeros([2, 3]);
        using var targets = Tensor.From<long>([0, 1]);
        using var mask = Tensor.From<bool>([false, false]);
        var (loss, perToken) = F.MaskedCrossEntropy(logits, targets, mask);
        using (loss)
        using (perToken)
        {
            Assert.Equal(0.0, loss.Item());
            Assert.Equal(Math.Log(3), perToken.ToArray<float>()[0], 5);
        }
    }

    [Fact]
    public void The_no_grad_scope_stops_recording_on_its_own_thread_only()
    {
        using var w = Tensor.From<float>([1f, 2f]).RequireGrad();
        using (var recorded = w * 2) Assert.True(recorded.RequiresGrad);
        using (new NoGradScope())
        {
            using var unrecorded = w * 2;
            Assert.False(unrecorded.RequiresGrad);
            // Grad mode is per thread: another thread still records.
            var otherThreadRecorded = false;
            var elsewhere = new Thread(() => { using var t = w * 2; otherThreadRecorded = t.RequiresGrad; });
            elsewhere.Start();
            elsewhere.Join();
            Assert.True(otherThreadRecorded);
        }
        using (var again = w * 2) Assert.True(again.RequiresGrad);
    }
}
