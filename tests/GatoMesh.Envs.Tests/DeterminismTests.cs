using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

/// <summary>Every task is a function of its seed: the same seed and policy replay the same episode
/// bit for bit; another seed gives another episode.</summary>
public class DeterminismTests
{
    public static TheoryData<string> Tasks() => new(TaskCatalog.All.Select(task => task.Name));

    [Theory]
    [MemberData(nameof(Tasks))]
    public void The_same_seed_replays_the_same_episode_and_another_seed_does_not(string name)
    {
        var task = TaskCatalog.Get(name);
        using var environment = task.CreateEnvironment();
        foreach (var policy in new[] { task.CreateExpert(environment), task.CreateRandom(environment) })
        {
            var first = Rollout.Run(name, environment, policy, 7);
            var again = Rollout.Run(name, environment, policy, 7);
            var other = Rollout.Run(name, environment, policy, 8);
            Assert.True(Episodes.Same(first, again), $"{name}: seed 7 did not replay");
            Assert.False(Episodes.Same(first, other), $"{name}: seeds 7 and 8 gave the same episode");
        }
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void A_fresh_environment_gives_the_same_episode_as_a_reused_one(string name)
    {
        var task = TaskCatalog.Get(name);
        using var reused = task.CreateEnvironment();
        Rollout.Run(name, reused, task.CreateRandom(reused), 1);
        var afterOther = Rollout.Run(name, reused, task.CreateExpert(reused), 3);
        using var fresh = task.CreateEnvironment();
        Assert.True(Episodes.Same(afterOther, Rollout.Run(name, fresh, task.CreateExpert(fresh), 3)));
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void Every_observation_and_action_encodes_under_the_task_spec(string name)
    {
        var task = TaskCatalog.Get(name);
        using var environment = task.CreateEnvironment();
        var episode = Rollout.Run(name, environment, task.CreateExpert(environment), 11);
        var encoder = new TimestepEncoder(environment.Spec, new TokenSpace(), TextModel.Tokenizer);
        var buffer = new TokenBuffer();
        foreach (var step in episode.Steps)
            encoder.Encode(step.Observation.ToObservation(environment.Spec), step.Action.ToAction(environment.Spec), buffer);
        Assert.InRange(episode.Steps.Count, 1, environment.MaxSteps);
        Assert.True(buffer.Count > episode.Steps.Count);
    }
}
