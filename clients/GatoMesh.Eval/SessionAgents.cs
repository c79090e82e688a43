using GatoMesh.Client;
using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>
/// Agents that are episode sessions of a serving cluster, reached as users reach it: through a gateway
/// with the client SDK (docs/ARCHITECTURE.md, "Serving path"). Each episode opens the session
/// <c>episodeId</c> of the key's fleet with the task's spec, steps it once per observation, and closes it at
/// the end. Discrete actions are drawn at <paramref name="temperature"/> (0: greedy), each episode's draws
/// seeded by its seed; continuous ones are the expected value of the model's distribution unless
/// <paramref name="continuousAsTokens"/> (docs/ENGINE.md, "Sampling"). A session error is a
/// <see cref="GatoMeshException"/> with the session's code, field and message.
/// </summary>
public sealed class SessionAgents : IEpisodeAgentFactory, IAsyncDisposable
{
    public const string DefaultFleet = "eval";

    /// <summary>The model's own distribution, as the paper deploys it (Gato, section 2.4). A greedy
    /// policy that sees one timestep can loop: in a grid world it turns left, then right, forever.</summary>
    public const float DefaultTemperature = 1;

    /// <summary>Sessions are spread over this many sockets, so hundreds of episodes do not queue behind one socket's sends.</summary>
    private const int Connections = 4;

    private readonly GatoMeshClient[] clients;
    private readonly float temperature;
    private readonly bool continuousAsTokens;
    private int opened;

    private SessionAgents(GatoMeshClient[] clients, float temperature, bool continuousAsTokens)
    {
        this.clients = clients;
        this.temperature = temperature;
        this.continuousAsTokens = continuousAsTokens;
    }

    /// <summary>Connects to the gateway at <paramref name="endpoint"/> as the fleet of <paramref name="apiKey"/>.</summary>
    public static async Task<SessionAgents> ConnectAsync(Uri endpoint, string apiKey, float temperature = DefaultTemperature,
        bool continuousAsTokens = false, CancellationToken cancellation = default)
    {
        // A shared 2-core machine can hold a step for seconds; a timeout would fail the episode, not measure it.
        var options = new GatoMeshClientOptions { Endpoint = endpoint, ApiKey = apiKey, RequestTimeout = TimeSpan.FromMinutes(5) };
        var clients = new List<GatoMeshClient>(Connections);
        try
        {
            for (var i = 0; i < Connections; i++) clients.Add(await GatoMeshClient.ConnectAsync(options, cancellation));
        }
        catch
        {
            foreach (var client in clients) await client.DisposeAsync();
            throw;
        }
        return new SessionAgents([.. clients], temperature, continuousAsTokens);
    }

    /// <summary>How actions are chosen, in words, for reports.</summary>
    public string Decoding =>
        (this.temperature > 0 ? $"discrete actions drawn at temperature {this.temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "discrete actions greedy")
        + (this.continuousAsTokens ? (this.temperature > 0 ? ", continuous ones too" : ", continuous ones the most likely bin") : ", continuous ones the expected value");

    public string Name => "sessions";

    public async Task<IEpisodeAgent> StartAsync(EpisodeStart start, CancellationToken cancellation)
    {
        var client = this.clients[(int)((uint)Interlocked.Increment(ref opened) % (uint)this.clients.Length)];
        var spec = start.Environment.Spec;
        var session = await client.OpenSessionAsync(start.EpisodeId, SpecJsonWriter.ToJson(spec).ToJsonString(),
            start.Prompt, temperature: this.temperature, seed: start.Seed, continuousAsTokens: this.continuousAsTokens, ct: cancellation);
        return new SessionAgent(session, spec);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in this.clients) await client.DisposeAsync();
    }

    private sealed class SessionAgent(EpisodeSession session, EmbodimentSpec spec) : IEpisodeAgent
    {
        public async Task<ActionValues> ActAsync(FieldValues observation, CancellationToken cancellation) =>
            (await session.StepAsync(observation, cancellation)).Action.ToAction(spec);

        public async ValueTask DisposeAsync() => await session.CloseAsync();
    }
}
