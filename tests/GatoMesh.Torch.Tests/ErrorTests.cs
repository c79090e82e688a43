using GatoMesh.Torch;
using GatoMesh.Torch.Nn;
using F = GatoMesh.Torch.Functional;

namespace GatoMesh.Torch.Tests;

/// <summary>Bad input gives a typed exception that names what was wrong, and the process goes on.</summary>
public class ErrorTests
{
    [Fact]
    public void A_shape_mismatch_surfaces_libtorchs_message_without_its_backtrace()
    {
        using var a = Tensor.Zeros([3, 4]);
        using var b = Tensor.Zeros([3, 4]);
        var e = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (3x4 and 3x4)", e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message);
        using var c = a.MatMul(b.Transpose(0, 1)); // the binding still works after the failure
        Assert.Equal([3L, 3L], c.Shape);
    }

    [Fact]
    public void Shape_errors_in_views_and_joins_name_the_shapes()
    {
        using var a = Tensor.Zeros([2, 3]);
        using var b = Tensor.Zeros([2, 4]);
        Assert.Contains("[5]", Assert.Throws<TorchException>(() => a.View(5)).Message);
        Assert.Contains("Sizes of tensors must match", Assert.Throws<TorchException>(() => Tensor.Cat([a, b], 0)).Message);
        Assert.Contains("size", Assert.Throws<TorchException>(() => a + b).Message);
    }

    [Fact]
    public void Wrong_dtypes_are_reported_with_the_argument_and_the_type()
    {
        using var weight = Tensor.Zeros([5, 3]);
        using var floatIds = Tensor.From<float>([1f, 2f]);
        Assert.Contains("embedding ids must be Int64 or Int32, got Float",
            Assert.Throws<TorchException>(() => F.Embedding(floatIds, weight)).Message);

        using var logits = Tensor.Zeros([2, 5]);
        using var floatTargets = Tensor.From<float>([1f, 2f]);
        using var mask = Tensor.From<bool>([true, true]);
        Assert.Contains("targets must be Int64, got Float",
            Assert.Throws<TorchException>(() => F.MaskedCrossEntropy(logits, floatTargets, mask)).Message);

        using var targets = Tensor.From<long>([1, 2]);
        using var longMask = Tensor.From<long>([1, 1]);
        Assert.Contains("mask must be Bool or floating point, got Long",
            Assert.Throws<TorchException>(() => F.MaskedCrossEntropy(logits, targets, longMask)).Message);

        using var floatIndex = Tensor.From<float>([0f]);
        Assert.Contains("index", Assert.Throws<TorchException>(() => logits.IndexSelect(0, floatIndex)).Message);
    }

    [Fact]
    public void Null_tensor_arguments_name_the_parameter()
    {
        using var a = Tensor.Zeros([2]);
        Assert.Equal("other", Assert.Throws<ArgumentNullException>(() => a.Add(null!)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentNullException>(() => a * (Tensor)null!).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentNullException>(() => F.Linear(a, null!)).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentNullException>(() => a.MaskedFill(null!, 0)).ParamName);
        Assert.Equal("tensors", Assert.Throws<ArgumentNullException>(() => Tensor.Cat([a, null!])).ParamName);
    }

    [Fact]
    public void Disposed_tensor_arguments_name_the_parameter()
    {
        using var a = Tensor.Zeros([2]);
        var gone = Tensor.Zeros([2]);
        gone.Dispose();
        Assert.Equal("other", Assert.Throws<ObjectDisposedException>(() => a.Sub(gone)).ObjectName);
        Assert.Equal("index", Assert.Throws<ObjectDisposedException>(() => a.Gather(0, gone)).ObjectName);
        Assert.Equal("tensors", Assert.Throws<ObjectDisposedException>(() => Tensor.Stack([a, gone])).ObjectName);
        Assert.Throws<ObjectDisposedException>(() => gone.Exp());

        var generator = new Generator(1);
        generator.Dispose();
        using var p = Tensor.Ones([3]);
        Assert.Throws<ObjectDisposedException>(() => p.Multinomial(1, generator: generator));
    }

    [Fact]
    public void Out_of_range_arguments_are_refused_by_name()
    {
        using var a = Tensor.Zeros([2]);
        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(a, 1.5)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Arange(0, 1, 0)).ParamName);
        Assert.Equal("min", Assert.Throws<ArgumentException>(() => a.Clamp()).ParamName);
        Assert.Equal("channels", Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4)).ParamName);
        Assert.Contains("start (1) + length (5) exceeds dimension", Assert.Throws<TorchException>(() => a.Narrow(0, 1, 5)).Message);
    }
}
