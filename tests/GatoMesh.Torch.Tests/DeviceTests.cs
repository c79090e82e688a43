using GatoMesh.Torch;
using GatoMesh.Torch.Nn;
using F = GatoMesh.Torch.Functional;

namespace GatoMesh.Torch.Tests;

/// <summary>The same computation on every device the loaded libtorch offers (CPU always, each CUDA
/// device when present) gives the CPU's result: a forward and backward pass through nn blocks, and
/// generator-driven sampling that repeats per seed.</summary>
public class DeviceTests
{
    public static TheoryData<string> Devices() => new(Torch.Devices.Select(d => d.ToString()));

    [Theory]
    [MemberData(nameof(Devices))]
    public void A_forward_and_backward_pass_matches_the_cpu(string deviceName)
    {
        var device = Device.Parse(deviceName);
        using var scope = DisposeScope.Begin();
        using var g = new Generator(11);
        using var cpuLinear = new Linear(6, 4, generator: g);
        g.ManualSeed(11);
        using var linear = new Linear(6, 4, generator: g, device: device);
        Assert.Equal(device.Type, linear.Weight.Device.Type);

        var x = Tensor.Randn([3, 6], g);
        var targets = Tensor.From<long>([0, 3, 1]);
        var mask = Tensor.From<bool>([true, true, false]);
        var expected = F.MaskedCrossEntropy(F.Gelu(cpuLinear.Forward(x)), targets, mask).Loss;
        expected.Backward();
        var loss = F.MaskedCrossEntropy(F.Gelu(linear.Forward(x.To(device))), targets.To(device), mask.To(device)).Loss;
        loss.Backward();

        Assert.Equal(expected.Item(), loss.Item(), 5);
        Assert.True(cpuLinear.Weight.Grad!.AllClose(linear.Weight.Grad!.To(Device.Cpu), 1e-4, 1e-6));
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Sampling_with_a_device_generator_repeats_for_a_seed(string deviceName)
    {
        var device = Device.Parse(deviceName);
        using var scope = DisposeScope.Begin();
        var probabilities = Tensor.From<float>([0.2f, 0.3f, 0.5f], [1, 3]).To(device);
        long[] Draw(ulong seed)
        {
            using var g = new Generator(seed, device);
            var dropped = F.Dropout(Tensor.Ones([32], device: device), 0.5, generator: g);
            Assert.Equal(device.Type, dropped.Device.Type);
            return [.. probabilities.Multinomial(16, replacement: true, g).To(Device.Cpu).ToArray<long>(),
                    .. dropped.Eq(0).To(DType.Int64).To(Device.Cpu).ToArray<long>()];
        }
        Assert.Equal(Draw(3), Draw(3));
        Assert.NotEqual(Draw(3), Draw(4));
    }
}
