using GatoMesh.Model.Engine;
using GatoMesh.Torch;

namespace GatoMesh.Model.Tests.Engine;

/// <summary>The device KV pool (libtorch ops, actions sampled on the device) against the host pool: on every
/// device the loaded libtorch offers (the CPU always; each GPU on a CUDA build: bench/gpu/run.sh runs these
/// there), the same batched episodes give the host pool's actions and logits. And bf16 serving against fp32.</summary>
public class DevicePoolTests
{
    public static TheoryData<string> Devices() => new(Torch.Torch.Devices.Select(d => d.ToString()));

    [Theory]
    [MemberData(nameof(Devices))]
    public void The_device_pool_gives_the_host_pools_actions_and_logits(string deviceName)
    {
        var device = Device.Parse(deviceName);
        using var model = new GatoModel(Presets.Tiny, seed: 4);
        var options = new EngineOptions { KvBlocks = 128, TokenBudget = 40 };
        var host = Run(model, options);
        var onDevice = Run(model, options with { KvPool = KvPoolPlacement.Device, Device = device });
        Assert.Equal(host.Actions, onDevice.Actions);
        var tolerance = device.Type == DeviceType.Cpu ? 1e-4f : 1e-3f;
        foreach (var (key, logits) in host.Logits)
            Assert.True(logits.Zip(onDevice.Logits[key], (a, b) => Math.Abs(a - b)).Max() <= tolerance, $"logits of {key} differ");
    }

    [Fact]
    public void Bf16_serving_computes_the_fp32_logits_to_bfloat16_precision()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 4);
        var options = new EngineOptions { KvBlocks = 128, TokenBudget = 40 };
        var fp32 = Run(model, options);
        var bf16 = Run(model, options with { Precision = ComputePrecision.BFloat16 });
        // The first action token of the first step sees the same tokens in both runs (later ones may follow a
        // different earlier action); over the whole context of up to 100 tokens, images included.
        var first = fp32.Logits.Where(e => e.Key.Item2 == 0 && e.Key.Item3 == 0).ToList();
        var worst = first.Max(e => e.Value.Zip(bf16.Logits[e.Key], (a, b) => Math.Abs(a - b)).Max());
        var scale = first.Max(e => e.Value.Max(Math.Abs));
        Assert.True(worst > 0, "the bf16 engine computed in fp32");
        Assert.True(worst <= 0.05 * scale, $"bf16 logits differ by {worst} (largest logit {scale})");
    }

    /// <summary>Eight sequences of mixed prompt and observation lengths, images on half of them, greedy and
    /// temperature sampling, discrete and continuous (expected-value) action tokens, three steps, batched.</summary>
    private static (List<long[]> Actions, Dictionary<(string, long, int), float[]> Logits) Run(GatoModel model, EngineOptions options)
    {
        using var engine = new EngineHarness(model, options);
        var prompts = new[] { 0, 3, 17, 40, 1, 26, 5, 9 };
        var lengths = new[] { 1, 30, 5, 12, 60, 9, 2, 3 };
        var episodes = prompts.Select((p, i) => new Episode(model.Config, seed: 10 + i, promptTokens: p, images: i % 2 == 0, continuous: i % 3 == 0)).ToArray();
        for (var t = 0; t < 3; t++)
        {
            var step = episodes.Select((e, i) => e.Observation(lengths[i] + t)).ToArray();
            var results = episodes.Select((e, i) => engine.Submit(e.Step($"s{i}", step[i], withContext: t == 0,
                i % 2 == 1 ? SamplingParams.WithTemperature(1.2f, seed: (ulong)i) : null))).ToArray();
            engine.RunUntilIdle();
            for (var i = 0; i < episodes.Length; i++) episodes[i].Record(step[i], results[i].Result);
        }
        return ([.. episodes.SelectMany(e => e.Timesteps.Select(s => s.Actions))], engine.Logits);
    }
}
