using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary>
/// <c>gatomesh eval</c> end to end, as CI runs it: the tiny generated data, gato-tiny trained a few
/// steps, then every episode as a session of an embedded silo. The model is barely trained, so this
/// holds the harness to its contract (JSON shape, the paper's normalization against the data's
/// returns, latency percentiles), not the model to a score; docs/EVAL.md has the scored runs.
/// </summary>
[Collection(GeneratedDataCollection.Name)]
public sealed class EvalCommandTests(GeneratedData data)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(240);

    [Fact]
    public void Eval_runs_episodes_as_sessions_of_an_embedded_silo_and_normalizes_by_the_paper_s_rule()
    {
        data.Generate.Json();
        using var run = new TempDirectory();
        Gatomesh.Run(new CliRun(["train", "--data", data.Directory, "--steps", "3", "--out", run.Path,
            "--batch-size", "2", "--sequence-length", "160", "--json"]) { Deadline = Deadline }).Json();

        var report = Gatomesh.Run(new CliRun(["eval", "--checkpoint", run.Path, "--tasks", "catch,gridworld", "--episodes", "2",
            "--concurrency", "4", "--data", data.Directory, "--json"]) { Deadline = Deadline }).Json();

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(data.Directory, "manifest.json")));
        var tasks = report.GetProperty("tasks");
        Assert.Equal(["catch", "gridworld"], tasks.EnumerateObject().Select(p => p.Name));
        var normalized = new List<double>();
        foreach (var task in tasks.EnumerateObject())
        {
            var reference = manifest.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("name").GetString() == task.Name);
            var (expert, random) = (reference.GetProperty("expert_return").GetDouble(), reference.GetProperty("random_return").GetDouble());
            var score = task.Value.GetProperty("score").GetDouble();
            Assert.Equal(2, task.Value.GetProperty("episodes").GetInt32());
            Assert.Equal((expert, random), (task.Value.GetProperty("expert_return").GetDouble(), task.Value.GetProperty("random_return").GetDouble()));
            Assert.Equal((score - random) / (expert - random), task.Value.GetProperty("normalized").GetDouble(), 9);
            normalized.Add(task.Value.GetProperty("normalized").GetDouble());
        }
        Assert.Equal(normalized.Average(), report.GetProperty("mean_normalized").GetDouble(), 9);
        var latency = report.GetProperty("latency_ms");
        var (p50, p95, p99) = (latency.GetProperty("p50").GetDouble(), latency.GetProperty("p95").GetDouble(), latency.GetProperty("p99").GetDouble());
        Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99, $"latency percentiles out of order: {latency}");
        // Catch episodes always last 15 steps; a grid-world episode at least one.
        Assert.True(report.GetProperty("steps").GetInt64() >= 2 * 15 + 2, report.ToString());
        Assert.Equal(4, report.GetProperty("concurrency").GetInt32());
        Assert.Equal("sessions", report.GetProperty("agents").GetString());
        Assert.Equal("discrete actions drawn at temperature 1, continuous ones the expected value", report.GetProperty("decoding").GetString());
        Assert.Equal(0, report.GetProperty("prompt_tokens").GetInt32());
        // A run folder gets its report beside its checkpoints.
        Assert.Equal(run["report.html"], report.GetProperty("report").GetString());
        Assert.Contains("id=\"filmstrips\"", File.ReadAllText(run["report.html"]));

        // With demonstration prompts every session opens with an expert episode's last timesteps, a quarter of the
        // 160-token window: Catch's 18-token timesteps fit (four of them), a grid-world timestep does not.
        var prompted = Gatomesh.Run(new CliRun(["eval", "--checkpoint", run.Path, "--tasks", "catch,gridworld", "--episodes", "2",
            "--concurrency", "4", "--data", data.Directory, "--prompt", "--report", run["prompted.html"], "--json"]) { Deadline = Deadline }).Json();
        Assert.Equal(40, prompted.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, prompted.GetProperty("tasks").GetProperty("catch").GetProperty("episodes").GetInt32());
        Assert.True(File.Exists(run["prompted.html"]));
    }

    [Fact]
    public void Eval_refuses_a_negative_temperature_naming_the_option()
    {
        Gatomesh.Run("eval", "--checkpoint", data.Directory, "--temperature", "-0.5", "--tasks", "catch", "--json").AssertFailsNaming("--temperature");
    }

    [Fact]
    public void Eval_without_a_checkpoint_or_a_cluster_fails_naming_the_option()
    {
        Gatomesh.Run("eval", "--tasks", "catch", "--json").AssertFailsNaming("--checkpoint");
    }

    [Fact]
    public void Eval_of_a_cluster_refuses_a_checkpoint_before_contacting_anything()
    {
        Gatomesh.Run("eval", "--silo", "127.0.0.1:1", "--checkpoint", data.Directory, "--tasks", "catch", "--json")
            .AssertFailsNaming("--checkpoint", "--silo");
    }

    [Fact]
    public void Eval_rejects_an_unknown_task_listing_the_known_ones()
    {
        Gatomesh.Run("eval", "--checkpoint", data.Directory, "--tasks", "pong", "--json").AssertFailsNaming("pong", "catch", "reacher");
    }

    [Fact]
    public void Eval_rejects_zero_episodes_naming_the_option()
    {
        Gatomesh.Run("eval", "--checkpoint", data.Directory, "--tasks", "catch", "--episodes", "0", "--json").AssertFailsNaming("--episodes", "0");
    }

    [Fact]
    public void Eval_of_a_folder_that_is_no_checkpoint_says_so()
    {
        using var empty = new TempDirectory();
        Gatomesh.Run("eval", "--checkpoint", empty.Path, "--tasks", "catch", "--data", data.Directory, "--json")
            .AssertFailsNaming("--checkpoint", empty.Path);
    }
}
