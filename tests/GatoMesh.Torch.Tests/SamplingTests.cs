using GatoMesh.Torch;
using GatoMesh.Torch.Nn;
using F = GatoMesh.Torch.Functional;

namespace GatoMesh.Torch.Tests;

public class SamplingTests
{
    private static readonly float[] Probabilities = [0.1f, 0f, 0.5f, 0.15f, 0.25f];

    private static long[] Draw(Generator generator)
    {
        using var p = Tensor.From<float>(Probabilities, [1, 5]);
        using var samples = p.Multinomial(200, replacement: true, generator);
        return samples.ToArray<long>();
    }

    [Fact]
    public void Seeded_multinomial_repeats_exactly_and_another_seed_differs()
    {
        using var first = new Generator(42);
        using var second = new Generator(42);
        using var other = new Generator(43);
        var a = Draw(first);
        Assert.Equal(a, Draw(second));
        Assert.NotEqual(a, Draw(other));
        Assert.DoesNotContain(1L, a); // zero probability is never drawn
        first.ManualSeed(42);
        Assert.Equal(a, Draw(first));
    }

    [Fact]
    public void Seeded_multinomial_equals_PyTorchs_draws_for_the_same_seed()
    {
        using var generator = new Generator(1234);
        var ours = Draw(generator);
        var reference = PyTorchReference.Evaluate(
            new Dictionary<string, PyTorchReference.Input> { ["p"] = new("float32", [1, 5], Probabilities.Select(v => (double)v).ToArray()) },
            new Dictionary<string, string> { ["draw"] = "torch.multinomial(p, 200, True, generator=torch.Generator().manual_seed(1234))" });
        Assert.Equal(reference["draw"].Data.Select(d => (long)d), ours);
    }

    [Fact]
    public void Seeded_dropout_repeats_exactly_drops_about_p_and_rescales_survivors()
    {
        using var x = Tensor.Ones([100, 100]);
        using var g1 = new Generator(5);
        using var g2 = new Generator(5);
        using var a = F.Dropout(x, 0.3, generator: g1);
        using var b = F.Dropout(x, 0.3, generator: g2);
        var values = a.ToArray<float>();
        Assert.Equal(values, b.ToArray<float>());
        var dropped = values.Count(v => v == 0) / (double)values.Length;
        Assert.InRange(dropped, 0.27, 0.33);
        Assert.All(values.Where(v => v != 0), v => Assert.Equal(1 / 0.7f, v, 5));
    }

    [Fact]
    public void The_dropout_module_is_the_identity_in_eval_mode()
    {
        using var generator = new Generator(9);
        using var dropout = new Dropout(0.5, generator);
        using var x = Tensor.Ones([64]);
        using (var train = dropout.Forward(x)) Assert.Contains(0f, train.ToArray<float>());
        dropout.Eval();
        using (var eval = dropout.Forward(x)) Assert.All(eval.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Top_k_returns_the_largest_entries_in_order()
    {
        using var logits = Tensor.From<float>([0.1f, 3f, -1f, 2f, 2.5f], [1, 5]);
        var (values, indices) = logits.TopK(3);
        using (values)
        using (indices)
        {
            Assert.Equal([3f, 2.5f, 2f], values.ToArray<float>());
            Assert.Equal([1L, 4L, 3L], indices.ToArray<long>());
        }
    }

    [Fact]
    public void Reseeding_a_generator_restarts_its_stream()
    {
        using var generator = new Generator(77);
        using var a = Tensor.Randn([8], generator);
        generator.ManualSeed(77);
        using var b = Tensor.Randn([8], generator);
        Assert.True(a.AllClose(b, 0, 0));
        using var u = Tensor.Rand([1000], generator);
        Assert.All(u.ToArray<float>(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Torch_manual_seed_makes_the_default_generator_repeat()
    {
        // The default generator is process-wide; other tests may draw from it concurrently.
        lock (ProcessWideState.DefaultGenerator)
        {
            Torch.ManualSeed(3);
            using var a = Tensor.Randn([8]);
            using var first = new Linear(4, 2);
            Torch.ManualSeed(3);
            using var b = Tensor.Randn([8]);
            using var second = new Linear(4, 2);
            Assert.True(a.AllClose(b, 0, 0));
            Assert.True(first.Weight.AllClose(second.Weight, 0, 0));
        }
    }
}
