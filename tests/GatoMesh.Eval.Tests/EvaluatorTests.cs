using GatoMesh.Envs;
using GatoMesh.Eval;

namespace GatoMesh.Eval.Tests;

/// <summary>
/// The harness, measured with the tasks' own policies: an episode run through it is the episode
/// <see cref="Rollout"/> records, the expert normalizes to about 100% and the random policy to about
/// 0%, and every normalized figure follows the paper's rule.
/// </summary>
public sealed class EvaluatorTests
{
    // References from seeds 0..39; the evaluated episodes use other seeds (FirstSeed), as in eval.
    static readonly Lazy<ReferenceReturns> References = new(() => ReferenceReturns.Measure(TaskCatalog.All, episodes: 40, firstSeed: 0));

    public static TheoryData<string> Tasks => new(TaskCatalog.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Tasks))]
    public async Task An_episode_through_the_harness_is_the_recorded_rollout(string name)
    {
        var task = TaskCatalog.Get(name);
        using var environment = task.CreateEnvironment();
        var recorded = Rollout.Run(name, environment, task.CreateExpert(environment), 11);

        var result = await Evaluator.RunEpisodeAsync(task, "e-11", 11, PolicyAgents.Expert);

        Assert.Equal((recorded.Steps.Count, recorded.Return), (result.Steps, result.Return), (a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) < 1e-4);
        Assert.Equal(result.Steps, result.StepMilliseconds.Count);
    }

    [Fact]
    public async Task The_expert_scores_about_100_percent_on_every_task()
    {
        var report = await Evaluator.RunAsync(new EvaluationOptions { Tasks = TaskCatalog.All, Episodes = 12, Concurrency = 8 },
            PolicyAgents.Expert, References.Value);

        Assert.All(report.Tasks, t => Assert.InRange(t.Normalized, 0.8, 1.2));
        Assert.InRange(report.MeanNormalized, 0.85, 1.15);
    }

    [Fact]
    public async Task The_random_policy_scores_about_0_percent_on_every_task()
    {
        var report = await Evaluator.RunAsync(new EvaluationOptions { Tasks = TaskCatalog.All, Episodes = 24, Concurrency = 8 },
            PolicyAgents.Random, References.Value);

        Assert.All(report.Tasks, t => Assert.InRange(t.Normalized, -0.3, 0.3));
    }

    [Fact]
    public async Task Normalized_scores_follow_the_paper_s_rule_and_the_mean_is_over_tasks()
    {
        var tasks = new[] { TaskCatalog.Get("catch"), TaskCatalog.Get("gridworld") };
        var report = await Evaluator.RunAsync(new EvaluationOptions { Tasks = tasks, Episodes = 5, Concurrency = 3 },
            PolicyAgents.Random, References.Value);

        Assert.Equal(["catch", "gridworld"], report.Tasks.Select(t => t.Task));
        foreach (var t in report.Tasks)
        {
            var reference = References.Value.For(t.Task);
            Assert.Equal(5, t.Episodes);
            Assert.Equal(t.Returns.Average(), t.Score, 12);
            Assert.Equal((t.Score - reference.Random) / (reference.Expert - reference.Random), t.Normalized, 12);
        }
        Assert.Equal(report.Tasks.Average(t => t.Normalized), report.MeanNormalized, 12);
        Assert.Equal(report.Latency.Count, report.Steps);
    }

    [Fact]
    public async Task Concurrent_episodes_score_as_sequential_ones()
    {
        var tasks = new[] { TaskCatalog.Get("catch"), TaskCatalog.Get("reacher") };
        var sequential = await Evaluator.RunAsync(new EvaluationOptions { Tasks = tasks, Episodes = 6, Concurrency = 1 }, PolicyAgents.Expert, References.Value);
        var concurrent = await Evaluator.RunAsync(new EvaluationOptions { Tasks = tasks, Episodes = 6, Concurrency = 12 }, PolicyAgents.Expert, References.Value);

        Assert.Equal(sequential.Tasks.Select(t => t.Returns), concurrent.Tasks.Select(t => t.Returns));
    }

    [Theory]
    [InlineData(0, 4, "--episodes")]
    [InlineData(3, 0, "--concurrency")]
    public async Task Options_out_of_range_are_refused_naming_the_option(int episodes, int concurrency, string option)
    {
        var error = await Assert.ThrowsAsync<InvalidEvaluationOptionException>(() => Evaluator.RunAsync(
            new EvaluationOptions { Tasks = [TaskCatalog.Get("catch")], Episodes = episodes, Concurrency = concurrency },
            PolicyAgents.Random, References.Value));
        Assert.Equal(option, error.Option);
    }

    [Fact]
    public async Task A_task_listed_twice_is_refused()
    {
        var error = await Assert.ThrowsAsync<InvalidEvaluationOptionException>(() => Evaluator.RunAsync(
            new EvaluationOptions { Tasks = [TaskCatalog.Get("catch"), TaskCatalog.Get("catch")] }, PolicyAgents.Random, References.Value));
        Assert.Equal("--tasks", error.Option);
    }
}
