using GatoMesh.Torch;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Model.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "gatomesh-checkpoint-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private static float[] Logits(GatoModel model, TokenBatchInputs tokens)
    {
        using var scope = DisposeScope.Begin();
        return model.Logits(model.Forward(ModelInput.Single(tokens))).ToArray<float>();
    }

    [Fact]
    public void A_saved_model_loads_with_the_same_config_and_logits()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 21);
        Checkpoint.Save(model, dir);
        Assert.True(File.Exists(Path.Combine(dir, "config.json")));
        using var loaded = Checkpoint.Load(dir);
        Assert.Equal(model.Config, loaded.Config);
        Assert.False(loaded.Training);
        var tokens = SampleTokens.Random(Presets.Tiny, 24, seed: 4);
        Assert.Equal(Logits(model, tokens), Logits(loaded, tokens));
    }

    [Fact]
    public void An_export_holds_every_tensor_in_bfloat16_in_files_of_bounded_size_and_loads_as_float32()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 23);
        const long limit = 600 * 1024;
        var files = Checkpoint.Export(model, dir, DType.BFloat16, limit);
        Assert.True(files.Count > 1, $"{files.Count} file(s)");
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, limit + 16 * 1024));   // the header rides on top
        Assert.All(files.SelectMany(f => SafetensorsFile.ReadHeader(f).Entries), e => Assert.Equal(DType.BFloat16, e.DType));
        Assert.False(File.Exists(Path.Combine(dir, Checkpoint.WeightsFile)));

        using var loaded = Checkpoint.Load(dir);
        using var scope = DisposeScope.Begin();
        foreach (var ((name, original), (_, restored)) in model.NamedParameters().Zip(loaded.NamedParameters()))
        {
            Assert.Equal(DType.Float32, restored.DType);
            // Exactly the bfloat16 rounding of the original, nothing else.
            Assert.True(original.To(DType.BFloat16).To(DType.Float32).AllClose(restored, 0, 0), name);
        }
    }

    [Fact]
    public void A_tensor_stored_in_two_export_files_is_refused_by_name()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 24);
        Checkpoint.Export(model, dir, DType.BFloat16, 600 * 1024);
        var first = model.NamedParameters().OrderBy(p => p.Name, StringComparer.Ordinal).First();
        SafetensorsFile.Save(Path.Combine(dir, "model-00009-of-00009.safetensors"), [(first.Name, first.Tensor)]);
        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(dir));
        Assert.Equal(first.Name, error.Tensor);
    }

    [Fact]
    public void A_missing_tensor_is_rejected_by_name()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 22);
        Checkpoint.Save(model, dir);
        var kept = model.NamedParameters().Where(p => p.Name != "blocks.1.mlp.fc1.bias").ToList();
        SafetensorsFile.Save(Path.Combine(dir, Checkpoint.WeightsFile), kept);
        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(dir));
        Assert.Equal("blocks.1.mlp.fc1.bias", error.Tensor);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void A_mis_shaped_tensor_is_rejected_by_name()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 23);
        Checkpoint.Save(model, dir);
        using var wrong = Tensor.Zeros([7, 128]);
        var tensors = model.NamedParameters().Select(p => p.Name == "embed.local_positions.weight" ? (p.Name, wrong) : p).ToList();
        SafetensorsFile.Save(Path.Combine(dir, Checkpoint.WeightsFile), tensors);
        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(dir));
        Assert.Equal("embed.local_positions.weight", error.Tensor);
        Assert.Contains("[7, 128]", error.Message);
    }

    [Fact]
    public void An_extra_tensor_is_rejected_by_name()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 24);
        Checkpoint.Save(model, dir);
        using var extra = Tensor.Zeros([4]);
        var tensors = model.NamedParameters().Append(("head.bias", extra)).ToList();
        SafetensorsFile.Save(Path.Combine(dir, Checkpoint.WeightsFile), tensors);
        Assert.Equal("head.bias", Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(dir)).Tensor);
    }

    [Fact]
    public void A_config_that_does_not_match_the_weights_names_the_first_missing_tensor()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 25);
        Checkpoint.Save(model, dir);
        File.WriteAllText(Path.Combine(dir, Checkpoint.ConfigFile), (Presets.Tiny with { Layers = 3 }).ToJson());
        Assert.StartsWith("blocks.2.", Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(dir)).Tensor);
    }
}
