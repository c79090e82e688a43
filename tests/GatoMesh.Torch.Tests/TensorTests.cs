using GatoMesh.Torch;

namespace GatoMesh.Torch.Tests;

public class TensorTests
{
    [Fact]
    public void Values_round_trip_through_every_span_dtype()
    {
        using var f = Tensor.From<float>([1.5f, -2f, 3.25f, 0f, 1e-3f, 7f], [2, 3]);
        Assert.Equal([2L, 3L], f.Shape);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal([1.5f, -2f, 3.25f, 0f, 1e-3f, 7f], f.ToArray<float>());

        using var l = Tensor.From<long>([long.MaxValue, -1, 0]);
        Assert.Equal([long.MaxValue, -1L, 0L], l.ToArray<long>());

        using var b = Tensor.From<bool>([true, false, true], [3, 1]);
        Assert.Equal([true, false, true], b.ToArray<bool>());

        using var u = Tensor.From<byte>([0, 255, 128, 7], [2, 2]);
        Assert.Equal(DType.UInt8, u.DType);
        Assert.Equal([(byte)0, 255, 128, 7], u.ToArray<byte>());
    }

    [Fact]
    public void Data_that_does_not_fill_the_shape_is_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From<float>([1f, 2f, 3f], [2, 2]));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("needs 4", e.Message);
    }

    [Fact]
    public void Copying_into_a_buffer_of_another_element_type_is_refused()
    {
        using var t = Tensor.From<long>([1, 2]);
        var e = Assert.Throws<InvalidOperationException>(() => t.ToArray<float>());
        Assert.Contains("Int64", e.Message);
    }

    [Fact]
    public void A_disposed_tensor_raises_ObjectDisposedException_not_a_crash()
    {
        var t = Tensor.Zeros([4]);
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => t.Shape);
        t.Dispose(); // twice is harmless
    }

    [Fact]
    public void Conversion_changes_dtype_and_keeps_values()
    {
        using var t = Tensor.From<float>([1.9f, -2.2f]);
        using var i = t.To(DType.Int64);
        Assert.Equal([1L, -2L], i.ToArray<long>());
        using var s = Tensor.Scalar(2.5);
        Assert.Equal(2.5, s.Item());
        Assert.Empty(s.Shape);
    }

    [Fact]
    public void Item_of_a_tensor_with_many_elements_surfaces_libtorchs_message()
    {
        using var t = Tensor.Zeros([3]);
        var e = Assert.Throws<TorchException>(() => t.Item());
        Assert.Contains("3 elements", e.Message);
    }

    [Fact]
    public void Cpu_is_always_a_device_and_the_version_is_libtorchs()
    {
        Assert.Equal(Device.Cpu, Torch.Devices[0]);
        Assert.StartsWith("1.", Torch.Version);
        Assert.Equal(Device.Cuda(1), Device.Parse("cuda:1"));
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
    }
}
