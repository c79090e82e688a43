using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary><c>gatomesh model info|init|logits</c>: presets as docs/MODEL.md tabulates them, seeded
/// checkpoints that are reproducible byte for byte, and deterministic logits.</summary>
public sealed class ModelCommandTests
{
    [Fact]
    public void Info_of_gato_79m_has_the_papers_shape_and_the_documented_parameter_counts()
    {
        var json = Gatomesh.Run("model", "info", "--preset", "gato-79m", "--json").Json();

        // GATO.md (paper Table 1): 8 blocks, 24 heads, width 768, FFN 3072, head size 32.
        Assert.Equal("gato-79m", json.GetProperty("preset").GetString());
        Assert.Equal(8, json.GetProperty("layers").GetInt32());
        Assert.Equal(24, json.GetProperty("heads").GetInt32());
        Assert.Equal(768, json.GetProperty("width").GetInt32());
        Assert.Equal(3072, json.GetProperty("ffn").GetInt32());
        Assert.Equal(32, json.GetProperty("kv_size").GetInt32());
        // docs/MODEL.md, parameter table: body 56,704,512, with embeddings 84,009,120.
        Assert.Equal(56_704_512, json.GetProperty("params_non_embedding").GetInt64());
        Assert.Equal(84_009_120, json.GetProperty("params").GetInt64());
    }

    [Fact]
    public void Info_body_count_follows_the_per_block_rule_of_docs_model()
    {
        var json = Gatomesh.Run("model", "info", "--preset", "gato-tiny", "--json").Json();
        long w = json.GetProperty("width").GetInt32(), f = json.GetProperty("ffn").GetInt32();
        long a = json.GetProperty("heads").GetInt32() * json.GetProperty("kv_size").GetInt32();
        long blocks = json.GetProperty("layers").GetInt32();

        // Per block: 4w (two norms) + 3aw + 3a (qkv) + aw + w (out) + 2wf + f + w (mlp); body adds the final norm (2w).
        var perBlock = 4 * w + 3 * a * w + 3 * a + a * w + w + 2 * w * f + f + w;
        Assert.Equal(blocks * perBlock + 2 * w, json.GetProperty("params_non_embedding").GetInt64());
        Assert.True(json.GetProperty("params").GetInt64() > json.GetProperty("params_non_embedding").GetInt64());
    }

    [Fact]
    public void Info_of_an_unknown_preset_fails_naming_it()
    {
        Gatomesh.Run("model", "info", "--preset", "gato-9000", "--json").AssertFailsNaming("gato-9000");
    }

    [Fact]
    public void Init_with_the_same_seed_writes_byte_identical_checkpoints()
    {
        using var dir = new TempDirectory();
        var first = Gatomesh.Run("model", "init", "--preset", "gato-tiny", "--seed", "3", "--out", dir["a"], "--json").Json();
        Gatomesh.Run("model", "init", "--preset", "gato-tiny", "--seed", "3", "--out", dir["b"], "--json").Json();
        Gatomesh.Run("model", "init", "--preset", "gato-tiny", "--seed", "4", "--out", dir["c"], "--json").Json();

        Assert.Equal(843_232, first.GetProperty("params").GetInt64());
        var files = Directory.GetFiles(dir["a"]).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["config.json", "model.safetensors"], files);
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(Path.Combine(dir["a"], file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir["b"], file))),
                $"{file} differs between two inits with seed 3");
        Assert.False(File.ReadAllBytes(dir["a/model.safetensors"]).AsSpan().SequenceEqual(File.ReadAllBytes(dir["c/model.safetensors"])),
            "seeds 3 and 4 wrote the same weights");
    }

    [Fact]
    public void Logits_of_the_example_sequence_are_one_vocabulary_row_per_position_and_repeat_exactly()
    {
        using var dir = new TempDirectory();
        // The example's ids reach 5120, so it needs gato-small's 5121-row vocabulary (gato-tiny has 2049).
        Gatomesh.Run("model", "init", "--preset", "gato-small", "--seed", "1", "--out", dir.Path, "--json").Json();
        var input = Gatomesh.Example("model-sequence.json");
        var tokens = JsonDocument.Parse(File.ReadAllText(input)).RootElement.GetProperty("ids").GetArrayLength();

        var first = Gatomesh.Run("model", "logits", "--checkpoint", dir.Path, "--input", input, "--json");
        var second = Gatomesh.Run("model", "logits", "--checkpoint", dir.Path, "--input", input, "--json");

        var json = first.Json();
        var rows = json.GetProperty("logits").EnumerateArray().ToArray();
        // The last 8 positions, fewer when the sequence is shorter (the example has 5 tokens).
        Assert.Equal(Math.Min(8, tokens), rows.Length);
        Assert.Equal(tokens - rows.Length, json.GetProperty("first_position").GetInt32());
        Assert.All(rows, row => Assert.Equal(5121, row.GetArrayLength()));
        Assert.All(rows, row => Assert.All(row.EnumerateArray(), v => Assert.True(double.IsFinite(v.GetDouble()))));
        second.Json();
        Assert.Equal(first.Stdout, second.Stdout);
    }

    [Fact]
    public void Logits_reject_an_id_outside_the_checkpoints_vocabulary()
    {
        using var dir = new TempDirectory();
        Gatomesh.Run("model", "init", "--preset", "gato-tiny", "--out", dir["model"], "--json").Json();
        File.WriteAllText(dir["seq.json"], """{"ids":[5,4200],"local_positions":[0,1]}""");

        Gatomesh.Run("model", "logits", "--checkpoint", dir["model"], "--input", dir["seq.json"], "--json").AssertFailsNaming("4200");
    }
}
