using GatoMesh.Grains;
using GatoMesh.Protos;
using GatoMesh.Protos.V1;

namespace GatoMesh.Client;

/// <summary>
/// One open episode session of the client's fleet. Each <see cref="StepAsync"/> or
/// <see cref="ResetAsync"/> takes the session's next sequence number once, and every retry of that call
/// carries the same number, so the session applies it once. Send one step at a time per session (a
/// step overtaken by a later-numbered one would be refused as stale); different sessions step
/// concurrently over the same client.
/// </summary>
public sealed class EpisodeSession
{
    private readonly GatoMeshClient _client;
    private long _lastSequence;

    internal EpisodeSession(GatoMeshClient client, string id, long lastSequence)
    {
        _client = client;
        Id = id;
        _lastSequence = lastSequence;
    }

    public string Id { get; }

    /// <summary>Sends one observation; returns the action for it.</summary>
    /// <exception cref="GatoMeshException">The session refused the step (e.g.
    /// <see cref="SessionErrorCode.InvalidObservation"/> naming the field); the session is unharmed and the
    /// next step proceeds as if this one had not been sent.</exception>
    public async Task<StepReply> StepAsync(IReadOnlyDictionary<string, FieldValue> observation, CancellationToken ct = default)
    {
        var step = new Step { SessionId = Id, Sequence = NextSequence() };
        WireMapping.ToWire(observation, step.Observation);
        var reply = await _client.SendAsync(new ClientMessage { Step = step }, ct);
        return WireMapping.FromWire(GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Step).Step);
    }

    /// <summary>Ends the episode and starts the next one in this session (same spec and prompt).</summary>
    public async Task ResetAsync(CancellationToken ct = default)
    {
        var reply = await _client.SendAsync(new ClientMessage { Reset = new Reset { SessionId = Id, Sequence = NextSequence() } }, ct);
        GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Session);
    }

    /// <summary>Ends the session; its state is deleted. Closing twice is fine.</summary>
    public async Task CloseAsync(CancellationToken ct = default)
    {
        var reply = await _client.SendAsync(new ClientMessage { Close = new Close { SessionId = Id } }, ct);
        GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Session);
    }

    /// <summary>What the session is now (open, episode, last sequence applied, next timestep).</summary>
    public async Task<SessionReply> DescribeAsync(CancellationToken ct = default)
    {
        var reply = await _client.SendAsync(new ClientMessage { Describe = new Describe { SessionId = Id } }, ct);
        return WireMapping.FromWire(GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Session).Session);
    }

    private ulong NextSequence() => (ulong)Interlocked.Increment(ref _lastSequence);
}
