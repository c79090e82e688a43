using GatoMesh.Torch.Optim;

namespace GatoMesh.Torch.Tests.Optim;

public class GradientClippingTests
{
    [Fact]
    public void Gradients_above_the_max_norm_are_scaled_to_it()
    {
        using var a = Tensor.From<float>([0f, 0f]);
        using var b = Tensor.From<float>([0f]);
        using var none = Tensor.From<float>([5f]);
        using (var g = Tensor.From<float>([3f, 4f])) a.Grad = g;
        using (var g = Tensor.From<float>([12f])) b.Grad = g;

        var total = GradientClipping.ClipByGlobalNorm([a, b, none], maxNorm: 6.5);

        Assert.Equal(13, total, 5); // sqrt(9 + 16 + 144)
        using var ga = a.Grad!;
        using var gb = b.Grad!;
        var scaled = ga.ToArray<float>().Concat(gb.ToArray<float>()).ToArray();
        Assert.Equal(6.5, Math.Sqrt(scaled.Sum(x => (double)x * x)), 4);
        Assert.Equal(1.5f, scaled[0], 4); // every gradient by the same factor, 1/2
        Assert.Equal(6f, scaled[2], 4);
        Assert.Null(none.Grad);
    }

    [Fact]
    public void Gradients_within_the_max_norm_are_left_exactly_as_they_are()
    {
        using var a = Tensor.From<float>([0f, 0f]);
        using (var g = Tensor.From<float>([0.3f, -0.4f])) a.Grad = g;
        Assert.Equal(0.5, GradientClipping.ClipByGlobalNorm([a], maxNorm: 1.0), 6);
        using var ga = a.Grad!;
        Assert.Equal([0.3f, -0.4f], ga.ToArray<float>());
    }

    [Fact]
    public void Bad_arguments_are_refused_by_name()
    {
        using var a = Tensor.From<float>([0f]);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm([a], 0)).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentNullException>(() => GradientClipping.ClipByGlobalNorm([a, null!], 1)).ParamName);
    }
}
