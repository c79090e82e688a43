using GatoMesh.Data;
using GatoMesh.Grains;
using GatoMesh.Runtime;

namespace GatoMesh.Eval;

/// <summary>
/// Agents that are episode sessions of a serving cluster (ARCHITECTURE.md, "Serving path"): each
/// episode opens the session <c>fleet/episodeId</c> with the task's spec, steps it once per
/// observation with increasing sequence numbers, and closes it at the end. Discrete actions are drawn at
/// <paramref name="temperature"/> (0: greedy), each episode's draws seeded by its seed; continuous ones
/// are the expected value of the model's distribution unless <paramref name="continuousAsTokens"/>
/// (docs/ENGINE.md, "Sampling"). A session error is an <see cref="EpisodeSessionException"/> with the
/// session's code, field and message.
/// </summary>
public sealed class SessionAgents(IGrainFactory grains, string fleet = SessionAgents.DefaultFleet, float temperature = SessionAgents.DefaultTemperature,
    bool continuousAsTokens = false) : IEpisodeAgentFactory
{
    public const string DefaultFleet = "eval";

    /// <summary>The model's own distribution, as the paper deploys it (GATO.md, "Deployment"). A greedy
    /// policy that sees one timestep can loop: in a grid world it turns left, then right, forever.</summary>
    public const float DefaultTemperature = 1;

    /// <summary>How actions are chosen, in words, for reports.</summary>
    public string Decoding =>
        (temperature > 0 ? $"discrete actions drawn at temperature {temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "discrete actions greedy")
        + (continuousAsTokens ? (temperature > 0 ? ", continuous ones too" : ", continuous ones the most likely bin") : ", continuous ones the expected value");

    public string Name => "sessions";

    public async Task<IEpisodeAgent> StartAsync(EpisodeStart start, CancellationToken cancellation)
    {
        var key = SessionKeys.Of(fleet, start.EpisodeId);
        var session = grains.GetGrain<IEpisodeSessionGrain>(key);
        var reply = await session.Open(new OpenSessionRequest
        {
            Fleet = fleet,
            SpecJson = SpecJsonWriter.ToJson(start.Environment.Spec).ToJsonString(),
            Temperature = temperature,
            Seed = start.Seed,
            ContinuousAsTokens = continuousAsTokens,
            Prompt = start.Prompt,
        }).WaitAsync(cancellation);
        if (reply.Error is { } error)
            throw new EpisodeSessionException(key, "open", error);
        return new SessionAgent(session, key, fleet);
    }

    sealed class SessionAgent(IEpisodeSessionGrain session, string key, string fleet) : IEpisodeAgent
    {
        long sequence;

        public async Task<IReadOnlyDictionary<string, FieldValue>> ActAsync(IReadOnlyDictionary<string, FieldValue> observation, CancellationToken cancellation)
        {
            var reply = await session.Step(new StepRequest { Fleet = fleet, Sequence = ++sequence, Observation = observation }).WaitAsync(cancellation);
            return reply.Error is { } error ? throw new EpisodeSessionException(key, $"step {sequence}", error) : reply.Action;
        }

        public async ValueTask DisposeAsync()
        {
            var reply = await session.Close(fleet);
            if (reply.Error is { } error)
                throw new EpisodeSessionException(key, "close", error);
        }
    }
}

/// <summary>An episode session answered an error: which session, at which call, and the session's error.</summary>
public sealed class EpisodeSessionException(string session, string call, SessionError error)
    : Exception($"session {session}: {call} failed: {error}")
{
    public SessionError Error { get; } = error;
}
