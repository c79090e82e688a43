namespace GatoMesh.Cli.Tests;

/// <summary>
/// <c>gatomesh demo --train</c> with a state folder an earlier run left: the cached data and checkpoint are
/// reused (training gato-small for minutes is the README's job, not CI's), an embedded silo serves
/// the checkpoint, the fleet's agents are spread over every task, and the report is written (docs/EVAL.md, "Demo").
/// The default path, the shipped weights, is <see cref="ShippedWeightsTests"/>.
/// </summary>
public sealed class DemoCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(240);

    [Fact]
    public void Demo_train_reuses_the_state_folder_s_checkpoint_and_runs_a_fleet_across_every_task()
    {
        using var state = new TempDirectory();
        // The demo recipe's expert noise and labels: other data would be regenerated at full size.
        Gatomesh.Run(new CliRun(["data", "generate", "--tasks", "all", "--episodes", "4", "--random-episodes", "4",
            "--expert-noise", "0.2", "--noise-labels", "expert", "--out", state["demo/data"], "--json"]) { Deadline = Deadline }).Json();
        Gatomesh.Run(new CliRun(["train", "--data", state["demo/data"], "--steps", "2", "--out", state["demo/run"],
            "--batch-size", "2", "--sequence-length", "160", "--json"]) { Deadline = Deadline }).Json();

        var demo = Gatomesh.Run(new CliRun(["demo", "--train", "--agents", "16", "--json"])
        {
            Deadline = Deadline,
            Environment = new Dictionary<string, string> { ["GATOMESH_STATE_DIR"] = state.Path },
        }).Json();

        Assert.True(demo.GetProperty("training").GetProperty("reused").GetBoolean());
        Assert.Equal(2, demo.GetProperty("training").GetProperty("steps").GetInt64());
        Assert.StartsWith(state["demo/run"], demo.GetProperty("checkpoint").GetString());
        var tasks = demo.GetProperty("tasks");
        Assert.Equal(["catch", "pixel-goto", "gridworld", "cartpole-swingup", "cartpole-balance", "reacher", "point-mass", "caption"], tasks.EnumerateObject().Select(t => t.Name));
        Assert.All(tasks.EnumerateObject(), t => Assert.Equal(2, t.Value.GetProperty("episodes").GetInt32()));
        Assert.Equal(16, demo.GetProperty("concurrency").GetInt32());
        Assert.True(demo.GetProperty("latency_ms").GetProperty("p99").GetDouble() > 0);
        Assert.Equal(state["demo/report.html"], demo.GetProperty("report").GetString());
        Assert.Contains("id=\"filmstrips\"", File.ReadAllText(state["demo/report.html"]));
    }

    [Fact]
    public void Demo_rejects_a_fleet_of_no_agents_naming_the_option()
    {
        using var state = new TempDirectory();
        Gatomesh.Run(new CliRun(["demo", "--agents", "0", "--state-dir", state.Path, "--json"])).AssertFailsNaming("--agents", "0");
    }
}
