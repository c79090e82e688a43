using GatoMesh.Fleet;
using GatoMesh.Tokens;

namespace GatoMesh.Fleet.Tests;

public class FleetRunnerTests
{
    static FleetOptions Options(int agents, double seconds) => new()
    {
        Agents = agents,
        Duration = TimeSpan.FromSeconds(seconds),
        ProgressInterval = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>A fixed amount of work: each agent sends <paramref name="steps"/> observations. The duration
    /// is only a cap, long enough for a loaded machine, so what the agents did does not depend on its speed.</summary>
    static FleetOptions Budget(int agents, long steps) =>
        Options(agents, seconds: 300) with { StepsPerAgent = steps };

    [Fact]
    public async Task Every_agent_opens_its_own_session_steps_it_and_closes_it()
    {
        var target = new ScriptedTarget();
        var report = await FleetRunner.RunAsync(target, Budget(agents: 12, steps: 20));

        Assert.Equal(12, target.Sessions.Count);
        Assert.All(target.Sessions.Values, session =>
        {
            Assert.True(session.Closed);
            Assert.Equal(20, session.Steps);
            Assert.Equal(SyntheticTask.Name, SpecJsonReader.Parse(session.SpecJson).Name);
        });
        Assert.Equal(0, report.Errors);
        Assert.Equal(12 * 20, report.Steps);
        Assert.Equal(report.Steps / report.DurationS, report.StepsPerSecond, 6);
        Assert.Equal("scripted-v1", report.Model);
        Assert.Equal(3, report.MeanBatch);
        Assert.Equal(1, report.MeanBatchSequences);
        Assert.True(report.P50Ms <= report.P95Ms && report.P95Ms <= report.P99Ms && report.P99Ms <= report.MaxMs);
    }

    [Fact]
    public async Task Without_a_budget_the_stepping_stops_at_the_duration()
    {
        var target = new ScriptedTarget();
        var report = await FleetRunner.RunAsync(target, Options(agents: 2, seconds: 0.3));

        // No step starts after the duration, and one that ends after it is served but not counted.
        Assert.True(report.DurationS <= 0.3);
        Assert.True(report.Steps <= target.Sessions.Values.Sum(s => s.Steps));
        Assert.All(target.Sessions.Values, session => Assert.True(session.Closed));
    }

    [Fact]
    public async Task Error_replies_are_counted_by_code_and_the_agents_keep_stepping()
    {
        var target = new ScriptedTarget { FailEvery = 3 };
        var report = await FleetRunner.RunAsync(target, Budget(agents: 4, steps: 30));

        // Every third of each agent's 30 sends fails; a failed send counts against the budget.
        Assert.Equal(4 * 10, report.Errors);
        Assert.Equal(report.Errors, report.ErrorsByCode["Unavailable"]);
        Assert.Single(report.ErrorsByCode);
        Assert.Contains("scripted failure", report.FirstErrors["Unavailable"]);
        Assert.Equal(4 * 20, report.Steps);
    }

    [Fact]
    public async Task Episodes_that_end_reset_the_session_and_the_environment()
    {
        var target = new ScriptedTarget();
        await FleetRunner.RunAsync(target, Budget(agents: 1, steps: 500) with { Seed = 5 });
        var session = Assert.Single(target.Sessions.Values);
        Assert.Equal(500, session.Steps);

        // Replay the agent's episodes under the script's zero force: each reset follows an episode's last step.
        using var task = new SyntheticTask();
        var zero = new ActionValues().SetContinuous(SyntheticTask.ForceKey, [0f, 0f]);
        var (steps, episodes) = (0L, 0);
        while (true)
        {
            task.Reset(FleetAgent.EpisodeSeed(5, 0, episodes));
            do steps++;
            while (!task.Step(zero).Done);
            if (steps > session.Steps)
                break;
            episodes++;
        }
        Assert.True(episodes > 0, "the run should last longer than one episode");
        Assert.Equal(episodes, session.Resets);
    }

    [Fact]
    public async Task Rejected_opens_are_open_errors_and_no_agent_steps()
    {
        var target = new ScriptedTarget { RejectOpens = true };
        var report = await FleetRunner.RunAsync(target, Options(agents: 5, seconds: 0.2));

        Assert.Equal(5, report.OpenErrors);
        Assert.Equal(5, report.ErrorsByCode["InvalidSpec"]);
        Assert.Equal(0, report.Steps);
        Assert.Equal(0, report.StepsPerSecond);
    }

    [Fact]
    public async Task Paced_agents_send_at_most_one_observation_per_period()
    {
        var target = new ScriptedTarget();
        var options = Budget(agents: 3, steps: 4) with { Period = TimeSpan.FromMilliseconds(50) };
        var report = await FleetRunner.RunAsync(target, options);

        // Each agent's k-th send waits for its k-th tick, 50 ms apart, so the fourth comes no sooner than
        // 150 ms into the stepping (a slow machine only makes it later).
        Assert.All(target.Sessions.Values, session => Assert.Equal(4, session.Steps));
        Assert.True(report.DurationS >= 0.150, $"4 paced sends took {report.DurationS:F3} s");
        Assert.Equal(50, report.PeriodMs);
    }

    [Fact]
    public async Task The_same_fleet_seed_sends_the_same_first_observation_from_each_agent()
    {
        var one = new ScriptedTarget();
        var other = new ScriptedTarget();
        await FleetRunner.RunAsync(one, Budget(agents: 3, steps: 1) with { Seed = 9, SessionPrefix = "a" });
        await FleetRunner.RunAsync(other, Budget(agents: 3, steps: 1) with { Seed = 9, SessionPrefix = "a" });
        for (var i = 0; i < 3; i++)
        {
            var a = one.Sessions[$"a-{i}"].FirstObservation!;
            var b = other.Sessions[$"a-{i}"].FirstObservation!;
            Assert.Equal(a.GetContinuous(SyntheticTask.StateKey), b.GetContinuous(SyntheticTask.StateKey));
            Assert.Equal(a.GetImage(SyntheticTask.CameraKey), b.GetImage(SyntheticTask.CameraKey));
        }
        Assert.NotEqual(one.Sessions["a-0"].FirstObservation!.GetContinuous(SyntheticTask.StateKey),
            one.Sessions["a-1"].FirstObservation!.GetContinuous(SyntheticTask.StateKey));
    }

    [Fact]
    public async Task Progress_is_reported_while_the_agents_step()
    {
        var seen = new List<FleetProgress>();
        var report = await FleetRunner.RunAsync(new ScriptedTarget(), Budget(agents: 2, steps: 50), progress => seen.Add(progress));
        Assert.NotEmpty(seen);
        Assert.All(seen, p => Assert.Equal(2, p.Agents));
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.True(pair.Second.Steps >= pair.First.Steps));
        // The last report comes when the stepping ends, with the final count.
        Assert.Equal(report.Steps, seen[^1].Steps);
    }

    [Fact]
    public async Task A_step_budget_below_one_names_the_option()
    {
        var error = await Assert.ThrowsAsync<InvalidFleetOptionException>(() =>
            FleetRunner.RunAsync(new ScriptedTarget(), Budget(agents: 1, steps: 0)));
        Assert.Equal("--steps-per-agent", error.Option);
    }

    [Theory]
    [InlineData(0, 1.0, "--agents")]
    [InlineData(1, 0.0, "--duration")]
    public async Task Options_out_of_range_name_the_option(int agents, double seconds, string option)
    {
        var error = await Assert.ThrowsAsync<InvalidFleetOptionException>(() =>
            FleetRunner.RunAsync(new ScriptedTarget(), Options(agents, seconds)));
        Assert.Equal(option, error.Option);
    }

    [Fact]
    public async Task An_unknown_task_names_the_known_ones()
    {
        var error = await Assert.ThrowsAsync<GatoMesh.Envs.UnknownTaskException>(() =>
            FleetRunner.RunAsync(new ScriptedTarget(), Options(1, 1) with { Task = "pong" }));
        Assert.Contains("synthetic", error.Message);
        Assert.Contains("catch", error.Message);
    }

    [Fact]
    public void The_json_report_holds_the_issue_fields()
    {
        var json = new FleetReport { Agents = 3, Steps = 10, ErrorsByCode = new Dictionary<string, long> { ["Unavailable"] = 2 }, Errors = 2, Model = "m" }.ToJson();
        foreach (var field in new[] { "agents", "steps", "steps_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_batch", "deadline_miss_rate_20hz", "errors", "model" })
            Assert.True(json.ContainsKey(field), $"missing {field}");
        Assert.Equal(2, (long)json["errors_by_code"]!["Unavailable"]!);
    }
}
