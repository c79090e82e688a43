using GatoMesh.Envs;
using GatoMesh.Grains;

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
        return Task.FromResult<IEpisodeAgent>(new PolicyAgent(start.Environment, policy));
    }

    sealed class PolicyAgent(IEnvironment environment, IPolicy policy) : IEpisodeAgent
    {
        public Task<IReadOnlyDictionary<string, FieldValue>> ActAsync(IReadOnlyDictionary<string, FieldValue> observation, CancellationToken cancellation)
        {
            var action = policy.Act(WireValues.ToObservation(environment.Spec, observation));
            return Task.FromResult<IReadOnlyDictionary<string, FieldValue>>(WireValues.FromAction(environment.Spec, action));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
