using GatoMesh.Envs;
using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>
/// Agents that are the tasks' own policies (the scripted expert or the random policy), reached through
/// the same wire values as sessions: the harness's reference points, 100% and 0% by the paper's rule.
/// </summary>
public sealed class PolicyAgents : IEpisodeAgentFactory
{
    readonly Func<EnvironmentTask, IEnvironment, IPolicy> create;

    PolicyAgents(string name, Func<EnvironmentTask, IEnvironment, IPolicy> create)
    {
        Name = name;
        this.create = create;
    }

    public static PolicyAgents Expert { get; } = new("expert", (task, environment) => task.CreateExpert(environment));
    public static PolicyAgents Random { get; } = new("random", (task, environment) => task.CreateRandom(environment));

    public string Name { get; }

    public Task<IEpisodeAgent> StartAsync(EpisodeStart start, CancellationToken cancellation)
    {
        var policy = create(start.Task, start.Environment);
        policy.Reset(start.Seed);
        return Task.FromResult<IEpisodeAgent>(new PolicyAgent(policy));
    }

    sealed class PolicyAgent(IPolicy policy) : IEpisodeAgent
    {
        public Task<ActionValues> ActAsync(FieldValues observation, CancellationToken cancellation) => Task.FromResult(policy.Act(observation));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
