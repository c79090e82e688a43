using GatoMesh.Model;

namespace GatoMesh.Model.Tests;

public class PresetTests
{
    // GATO.md, "Model sizes": blocks, heads, width, FFN, key/value size.
    [Theory]
    [InlineData("gato-79m", 8, 24, 768, 3072, 32)]
    [InlineData("gato-364m", 12, 12, 1536, 6144, 128)]
    [InlineData("gato-1.18b", 24, 16, 2048, 8192, 128)]
    public void Paper_presets_have_the_papers_shapes(string name, int blocks, int heads, int width, int ffn, int kv)
    {
        var c = Presets.Get(name);
        Assert.Equal((blocks, heads, width, ffn, kv), (c.Layers, c.Heads, c.Width, c.Ffn, c.KvSize));
        Assert.Equal(32000, c.TextVocab);
        Assert.Equal(1024, c.Context);
        Assert.Equal(32000 + 1024, c.SeparatorId);
    }

    [Fact]
    public void Parameter_counts_follow_the_documented_rule()
    {
        // By hand for gato-79m's body: per block 2 norms (4w), qkv (3aw + 3a), out (aw + w), mlp (2wf + f + w).
        const long w = 768, a = 24 * 32, f = 3072;
        var perBlock = 4 * w + 3 * a * w + 3 * a + a * w + w + 2 * w * f + f + w;
        Assert.Equal(8 * perBlock + 2 * w, TensorLayout.NonEmbeddingParameters(Presets.Gato79M));
        var tiny = Presets.Tiny;
        var body = TensorLayout.NonEmbeddingParameters(tiny);
        Assert.InRange(body, 100_000, 999_999); // "a few hundred thousand besides the embedding table"
        var small = TensorLayout.Parameters(Presets.Small);
        Assert.InRange(small, 2_000_000, 10_000_000);
        Assert.True(TensorLayout.Parameters(Presets.Gato118B) > TensorLayout.Parameters(Presets.Gato364M));
    }

    [Fact]
    public void Config_round_trips_through_json_and_rejects_bad_fields_by_name()
    {
        var json = Presets.Small.ToJson();
        Assert.Equal(Presets.Small, GatoConfig.FromJson(json));
        var bad = Assert.Throws<InvalidConfigException>(() => GatoConfig.FromJson(json.Replace("\"patch_channels\": 32", "\"patch_channels\": 48")));
        Assert.Equal("PatchChannels", bad.Field);
        Assert.Throws<InvalidConfigException>(() => GatoConfig.FromJson("{\"preset\": 3}"));
        Assert.Throws<InvalidConfigException>(() => Presets.Get("gato-huge"));
    }

    [Fact]
    public void Every_preset_normalizes_patches_and_a_config_written_before_the_field_does_not()
    {
        foreach (var name in new[] { "gato-tiny", "gato-small", "gato-79m", "gato-364m", "gato-1.18b" })
            Assert.True(Presets.Get(name).PatchNorm, name);
        var json = System.Text.Json.Nodes.JsonNode.Parse(Presets.Small.ToJson())!.AsObject();
        Assert.True(json.Remove("patch_norm"));
        var old = json.ToJsonString();
        Assert.False(GatoConfig.FromJson(old).PatchNorm);
    }
}
