using GatoMesh.Torch;

namespace GatoMesh.Torch.Tests;

public class AutogradTests
{
    [Fact]
    public void Gradients_can_be_set_zeroed_and_cleared()
    {
        using var w = Tensor.From<float>([1f, 2f]).RequireGrad();
        Assert.True(w.RequiresGrad);
        Assert.Null(w.Grad);
        using (var g = Tensor.From<float>([0.5f, -1f])) w.Grad = g;
        using (var g = w.Grad!) Assert.Equal([0.5f, -1f], g.ToArray<float>());
        w.ZeroGrad();
        using (var g = w.Grad!) Assert.Equal([0f, 0f], g.ToArray<float>());
        w.Grad = null;
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Backward_of_a_non_scalar_without_a_gradient_reports_libtorchs_error()
    {
        using var w = Tensor.From<float>([1f, 2f]).RequireGrad();
        using var d = w.Detach();
        Assert.False(d.RequiresGrad);
        var e = Assert.Throws<TorchException>(() => d.Backward());
        Assert.Contains("require", e.Message);
    }
}
