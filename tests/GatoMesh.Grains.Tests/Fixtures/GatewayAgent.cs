using System.Diagnostics;
using GatoMesh.Client;
using GatoMesh.Data;

namespace GatoMesh.Grains.Tests.Fixtures;

/// <summary>
/// One robot on the user's path: a session opened through the WebSocket gateway with the client SDK,
/// stepped with <see cref="SyntheticAgent"/>'s deterministic observations, recording every action and
/// when its reply arrived. Continuous actions are drawn as tokens at temperature 0.8 (see
/// <see cref="SessionDriver.OpenAsync"/> for why comparisons of two runs need that decoding).
/// </summary>
internal sealed class GatewayAgent
{
    private readonly EpisodeSession session;
    private readonly int seed;

    private GatewayAgent(EpisodeSession session, int seed)
    {
        this.session = session;
        this.seed = seed;
    }

    public string Id => this.session.Id;

    public List<ActionReply> Replies { get; } = [];

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when each reply of <see cref="Replies"/> arrived.</summary>
    public List<long> RepliedAt { get; } = [];

    public List<long[]> Actions => [.. Replies.Select(r => r.ActionTokens)];

    public static async Task<GatewayAgent> OpenAsync(GatoMeshClient client, string id, int seed)
    {
        var session = await client.OpenSessionAsync(id, SyntheticAgent.SpecJson, temperature: 0.8f, seed: (ulong)seed, continuousAsTokens: true);
        return new GatewayAgent(session, seed);
    }

    /// <summary>The next step (its observation follows from the seed and the steps taken).</summary>
    public async Task<ActionReply> StepAsync()
    {
        var reply = await this.session.StepAsync(Values(SyntheticAgent.Observation(this.seed, Replies.Count)));
        lock (Replies)
        {
            Replies.Add(reply);
            RepliedAt.Add(Stopwatch.GetTimestamp());
        }
        return reply;
    }

    public async Task StepAsync(int steps)
    {
        for (var i = 0; i < steps; i++) await StepAsync();
    }

    /// <summary>The grain-level observation as the environment values a robot hands the SDK.</summary>
    private static FieldValues Values(IReadOnlyDictionary<string, FieldValue> observation)
    {
        var values = new FieldValues();
        foreach (var (key, field) in observation)
        {
            if (field.Image is { } image) values.SetImage(key, image.Pixels);
            else if (field.Continuous is { } continuous) values.SetContinuous(key, continuous);
            else values.SetDiscrete(key, field.Discrete!);
        }
        return values;
    }
}
