using GatoMesh.Torch;

namespace GatoMesh.Model.Tests;

public class GatoModelLayoutTests
{
    // The checkpoint format is TensorLayout; the model must build exactly those tensors.
    [Theory]
    [InlineData("gato-tiny")]
    [InlineData("gato-small")]
    public void Named_parameters_are_exactly_the_tensor_layout(string preset)
    {
        var config = Presets.Get(preset);
        using var model = new GatoModel(config, seed: 1);
        var built = model.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Shape);
        var expected = TensorLayout.For(config).ToDictionary(s => s.Name, s => s.Shape);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), built.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.True(shape.SequenceEqual(built[name]), $"{name}: [{string.Join(",", built[name])}] vs [{string.Join(",", shape)}]");
        Assert.Equal(TensorLayout.Parameters(config), model.ParameterCount);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_different_ones()
    {
        using var a = new GatoModel(Presets.Tiny, seed: 7);
        using var b = new GatoModel(Presets.Tiny, seed: 7);
        using var c = new GatoModel(Presets.Tiny, seed: 8);
        var pa = a.NamedParameters(); var pb = b.NamedParameters(); var pc = c.NamedParameters();
        for (var i = 0; i < pa.Count; i++) Assert.True(pa[i].Tensor.AllClose(pb[i].Tensor, 0, 0), pa[i].Name);
        Assert.False(pa[0].Tensor.AllClose(pc[0].Tensor));
    }

    [Fact]
    public void Logits_on_an_id_range_equal_that_slice_of_the_full_logits()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 3);
        using var scope = DisposeScope.Begin();
        var hidden = model.Forward(ModelInput.Single(SampleTokens.Random(Presets.Tiny, 12, seed: 3)));
        var full = model.Logits(hidden);
        Assert.Equal([1, 12, Presets.Tiny.VocabSize], full.Shape);
        var slice = model.Logits(hidden, 1024, 1040);
        Assert.True(slice.AllClose(full.Narrow(-1, 1024, 16), 1e-5, 1e-5));
    }

    [Fact]
    public void Bad_inputs_are_rejected_naming_the_field()
    {
        using var model = new GatoModel(Presets.Tiny, seed: 3);
        var tooBig = TokenBatchInputs.Text([1, Presets.Tiny.VocabSize], [0, 1]);
        Assert.Contains("ids[1]", Assert.Throws<InvalidModelInputException>(() => model.Forward(ModelInput.Single(tooBig))).Message);
        var orphanSlot = TokenBatchInputs.Text([1, -1], [0, 1]);
        Assert.Contains("patch_rows", Assert.Throws<InvalidModelInputException>(() => model.Forward(ModelInput.Single(orphanSlot))).Message);
        var local = TokenBatchInputs.Text([1, 2], [0, 512]);
        Assert.Contains("local_positions[1]", Assert.Throws<InvalidModelInputException>(() => model.Forward(ModelInput.Single(local))).Message);
    }
}
