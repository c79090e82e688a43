using GatoMesh.Envs;
using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>
/// Who acts in one evaluated episode. The harness speaks the serving contract's wire values to every
/// agent, so a scripted policy and a model behind an episode session are measured by the same code
/// (the harness is checked with the experts: they must score about 100%).
/// </summary>
public interface IEpisodeAgent : IAsyncDisposable
{
    Task<ActionValues> ActAsync(FieldValues observation, CancellationToken cancellation);
}

/// <summary>Starts the agent of each episode.</summary>
public interface IEpisodeAgentFactory
{
    /// <summary>What the report calls these agents, e.g. "sessions" or "expert".</summary>
    string Name { get; }

    Task<IEpisodeAgent> StartAsync(EpisodeStart start, CancellationToken cancellation);
}

/// <summary>One episode about to run: its task, the environment (already reset to <see cref="Seed"/>;
/// a planning expert reads it), an id unique within the evaluation, and the seed.</summary>
public sealed record EpisodeStart(EnvironmentTask Task, IEnvironment Environment, string EpisodeId, ulong Seed)
{
    /// <summary>A demonstration the agent is conditioned on (<see cref="DemonstrationPrompt"/>); empty for none.</summary>
    public IReadOnlyList<RecordedStep> Prompt { get; init; } = [];
}
