namespace GatoMesh.Envs.Tests;

/// <summary>The acceptance bar: every task's scripted expert beats its random policy by a
/// clear margin. Scores here use fresh seeds, apart from those that set the reference returns.</summary>
public class ExpertTests
{
    public static TheoryData<string> Tasks() => new(TaskCatalog.All.Select(task => task.Name));

    [Theory]
    [MemberData(nameof(Tasks))]
    public void The_expert_scores_near_its_reference_and_far_above_random(string name)
    {
        var task = TaskCatalog.Get(name);
        var scores = TaskScores.Measure(task, episodes: 20, firstSeed: 1000);
        Assert.True(scores.Expert > scores.Random, $"{name}: expert {scores.Expert} <= random {scores.Random}");
        using var environment = task.CreateEnvironment();
        var expert = task.CreateExpert(environment);
        var random = task.CreateRandom(environment);
        var expertMean = Enumerable.Range(0, 10).Average(i => Rollout.Run(name, environment, expert, 5000 + (ulong)i).Return);
        var randomMean = Enumerable.Range(0, 10).Average(i => Rollout.Run(name, environment, random, 5000 + (ulong)i).Return);
        Assert.InRange(scores.Normalize(expertMean), 0.8, 1.2);
        Assert.InRange(scores.Normalize(randomMean), -0.3, 0.3);
    }
}
