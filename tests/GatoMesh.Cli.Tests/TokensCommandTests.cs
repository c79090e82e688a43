using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary><c>gatomesh tokens mulaw|encode|train-text</c> against the worked examples of docs/TOKENS.md.</summary>
public sealed class TokensCommandTests
{
    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Fact]
    public void Mulaw_gives_the_hand_derived_ids_and_their_bin_centres()
    {
        var json = Gatomesh.Run("tokens", "mulaw", "--values", "0.5,-1.2,0", "--json").Json();

        // docs/TOKENS.md table: bins 710, 270, 512 after the 32000 text ids.
        Assert.Equal([32710, 32270, 32512], Ints(json.GetProperty("tokens")));
        var decoded = json.GetProperty("decoded").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(0.501753, decoded[0], 5);
        Assert.Equal(-1.190287, decoded[1], 5);
        Assert.Equal(0.0000996, decoded[2], 6);
    }

    [Fact]
    public void Mulaw_text_vocab_moves_the_continuous_ids_to_start_at_that_size()
    {
        var json = Gatomesh.Run("tokens", "mulaw", "--values", "0.5,-1.2,0", "--text-vocab", "1024", "--json").Json();

        Assert.Equal([1024 + 710, 1024 + 270, 1024 + 512], Ints(json.GetProperty("tokens")));
    }

    [Fact]
    public void Mulaw_rejects_nan_naming_the_value_by_index()
    {
        Gatomesh.Run("tokens", "mulaw", "--values", "0.5,NaN,0", "--json").AssertFailsNaming("values[1]", "NaN");
    }

    [Fact]
    public void Mulaw_rejects_text_that_is_not_a_number_naming_it()
    {
        Gatomesh.Run("tokens", "mulaw", "--values", "0.5,abc").AssertFailsNaming("values[1]", "abc");
    }

    [Fact]
    public void Mulaw_without_values_fails_naming_the_required_option()
    {
        Gatomesh.Run("tokens", "mulaw", "--json").AssertFailsNaming("--values");
    }

    [Fact]
    public void Encode_gridworld_matches_the_worked_example()
    {
        var json = Gatomesh.Run("tokens", "encode",
            "--spec", Gatomesh.Example("gridworld.spec.json"),
            "--observation", Gatomesh.Example("gridworld.observation.json"),
            "--action", Gatomesh.Example("gridworld.action.json"), "--json").Json();

        // agent.energy 0.5 -> 32710, agent.position 4 7, grid row-major, separator, action move = 3.
        Assert.Equal([32710, 4, 7, 0, 1, 0, 2, 0, 3, 0, 0, 1, 33024, 3], Ints(json.GetProperty("ids")));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 511], Ints(json.GetProperty("local_positions")));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], Ints(json.GetProperty("loss_mask")));
        Assert.Equal(33024, json.GetProperty("separator").GetInt32());
        Assert.Equal(12, json.GetProperty("separator_index").GetInt32());
        Assert.Empty(json.GetProperty("patch_positions").EnumerateArray());
        Assert.Equal(32000, json.GetProperty("text_vocab_size").GetInt32());
    }

    [Fact]
    public void Encode_without_an_action_stops_at_the_separator()
    {
        var json = Gatomesh.Run("tokens", "encode",
            "--spec", Gatomesh.Example("gridworld.spec.json"),
            "--observation", Gatomesh.Example("gridworld.observation.json"), "--json").Json();

        Assert.Equal([32710, 4, 7, 0, 1, 0, 2, 0, 3, 0, 0, 1, 33024], Ints(json.GetProperty("ids")));
    }

    [Fact]
    public void Encode_of_a_spec_with_text_needs_a_text_model_and_says_so()
    {
        var result = Gatomesh.Run("tokens", "encode",
            "--spec", Gatomesh.Example("arm.spec.json"),
            "--observation", Gatomesh.Example("arm.observation.json"), "--json");

        result.AssertFailsNaming("--text-model", "sawyer-stack", "instruction");
    }

    [Fact]
    public void A_trained_text_model_encodes_the_arm_example_with_patches_text_and_actions()
    {
        using var dir = new TempDirectory();
        var trained = Gatomesh.Run("tokens", "train-text", "--corpus", Gatomesh.Example("corpus.txt"),
            "--vocab", "64", "--out", dir.Path, "--json").Json();
        var model = trained.GetProperty("model").GetString()!;
        Assert.True(File.Exists(model), $"train-text reported {model}, which does not exist");
        Assert.Equal(64, trained.GetProperty("vocab_size").GetInt32());

        var json = Gatomesh.Run("tokens", "encode",
            "--spec", Gatomesh.Example("arm.spec.json"),
            "--observation", Gatomesh.Example("arm.observation.json"),
            "--action", Gatomesh.Example("arm.action.json"),
            "--text-model", model, "--json").Json();

        var ids = Ints(json.GetProperty("ids"));
        var local = Ints(json.GetProperty("local_positions"));
        var loss = Ints(json.GetProperty("loss_mask"));
        const int V = 64, separator = V + 1024;
        Assert.Equal(V, json.GetProperty("text_vocab_size").GetInt32());
        Assert.Equal(separator, json.GetProperty("separator").GetInt32());
        var sep = json.GetProperty("separator_index").GetInt32();
        Assert.Equal(separator, ids[sep]);

        // Key order: camera (4 patches of a 32x32 image), instruction (text), robot.joints (7 values).
        Assert.Equal([-1, -1, -1, -1], ids[..4]);
        var text = ids[4..(sep - 7)];
        Assert.NotEmpty(text);
        Assert.All(text, id => Assert.InRange(id, 0, V - 1));
        Assert.All(ids[(sep - 7)..sep], id => Assert.InRange(id, V, V + 1023));
        Assert.Equal(Enumerable.Range(0, sep + 1), local[..(sep + 1)]);
        Assert.All(loss[..4], bit => Assert.Equal(0, bit));
        Assert.All(loss[4..(sep - 7)], bit => Assert.Equal(1, bit));
        Assert.All(loss[(sep - 7)..(sep + 1)], bit => Assert.Equal(0, bit));

        // The action: 7 continuous tokens, all at local position 511 and learned.
        Assert.Equal(sep + 8, ids.Length);
        Assert.All(ids[(sep + 1)..], id => Assert.InRange(id, V, V + 1023));
        Assert.All(local[(sep + 1)..], p => Assert.Equal(511, p));
        Assert.All(loss[(sep + 1)..], bit => Assert.Equal(1, bit));

        // Two patches per side of 128 buckets: evaluation takes the centres 32 and 96, in raster order.
        var patches = json.GetProperty("patch_positions").EnumerateArray().Select(Ints).ToArray();
        Assert.Equal([[32, 32], [32, 96], [96, 32], [96, 96]], patches);
    }
}
