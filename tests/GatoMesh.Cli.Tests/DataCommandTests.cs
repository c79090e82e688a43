using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary><c>gatomesh envs list</c>, <c>data generate</c> and <c>data verify</c> (docs/ENVS.md, docs/DATA.md).</summary>
[Collection(GeneratedDataCollection.Name)]
public sealed class DataCommandTests(GeneratedData data)
{
    [Fact]
    public void Envs_list_names_every_task_with_its_spec()
    {
        var json = Gatomesh.Run("envs", "list", "--json").Json();

        var tasks = json.GetProperty("tasks").EnumerateArray().ToArray();
        var names = tasks.Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("catch", names);
        Assert.Contains("gridworld", names);
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.All(tasks, t =>
        {
            Assert.True(t.GetProperty("max_steps").GetInt32() > 0);
            Assert.Equal(JsonValueKind.Object, t.GetProperty("spec").GetProperty("observation").ValueKind);
            Assert.Equal(JsonValueKind.Object, t.GetProperty("spec").GetProperty("action").ValueKind);
        });
    }

    [Fact]
    public void Envs_list_with_a_data_directory_reports_its_scores()
    {
        data.Generate.Json();
        var json = Gatomesh.Run("envs", "list", "--data", data.Directory, "--json").Json();

        var gridworld = json.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "gridworld");
        Assert.Equal(JsonValueKind.Number, gridworld.GetProperty("expert_return").ValueKind);
        Assert.Equal(JsonValueKind.Number, gridworld.GetProperty("random_return").ValueKind);
    }

    [Fact]
    public void Generate_writes_the_requested_tasks_and_verify_passes_every_shard()
    {
        var generated = data.Generate.Json();
        var tasks = generated.GetProperty("tasks").EnumerateArray().ToArray();
        Assert.Equal(["catch", "gridworld"], tasks.Select(t => t.GetProperty("name").GetString()).Order());
        Assert.All(tasks, t =>
        {
            Assert.Equal(4, t.GetProperty("episodes_generated").GetInt32());
            Assert.InRange(t.GetProperty("episodes_kept").GetInt32(), 1, 4);
            Assert.True(t.GetProperty("shards").GetInt32() >= 1);
        });
        Assert.True(File.Exists(generated.GetProperty("manifest").GetString()));

        var verified = Gatomesh.Run("data", "verify", data.Directory, "--json").Json();
        Assert.Equal(0, verified.GetProperty("bad").GetInt32());
        Assert.Equal(tasks.Sum(t => t.GetProperty("shards").GetInt32()), verified.GetProperty("shards").GetInt32());
        Assert.Equal(tasks.Sum(t => t.GetProperty("episodes_kept").GetInt32()), verified.GetProperty("records").GetInt32());
        Assert.All(verified.GetProperty("results").EnumerateArray(), r => Assert.Equal("ok", r.GetProperty("status").GetString()));
    }

    [Fact]
    public void Verify_names_the_shard_and_record_a_flipped_byte_damaged()
    {
        data.Generate.Json();
        using var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(data.Directory, "*.gmshard", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(data.Directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var shard = Path.Combine("gridworld", "gridworld-00000.gmshard");
        var records = Gatomesh.Run("data", "verify", copy.Path, "--json").Json().GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("shard").GetString() == shard).GetProperty("records").GetInt32();
        // The last byte is the final record's CRC32, so the damage is in record records-1.
        var bytes = File.ReadAllBytes(copy[shard]);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(copy[shard], bytes);

        var result = Gatomesh.Run("data", "verify", copy.Path, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(1, json.GetProperty("bad").GetInt32());
        var damaged = json.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("status").GetString() != "ok");
        Assert.Equal(shard, damaged.GetProperty("shard").GetString());
        Assert.Equal("corrupt", damaged.GetProperty("status").GetString());
        Assert.Equal(records - 1, damaged.GetProperty("record").GetInt32());
        Assert.Contains($"record {records - 1}", damaged.GetProperty("error").GetString());
    }

    [Fact]
    public void Verify_of_a_missing_directory_fails_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "gatomesh-cli-tests-no-such-dir");
        Gatomesh.Run("data", "verify", missing, "--json").AssertFailsNaming(missing);
    }
}
