using GatoMesh.Data;
using GatoMesh.Protos.V1;
using GatoMesh.Tokens;

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
    private readonly GatoMeshClient client;
    private long lastSequence;

    internal EpisodeSession(GatoMeshClient client, string id, EmbodimentSpec spec, long lastSequence)
    {
        this.client = client;
        Id = id;
        Spec = spec;
        this.lastSequence = lastSequence;
    }

    public string Id { get; }

    /// <summary>The embodiment spec the session was opened with.</summary>
    public EmbodimentSpec Spec { get; }

    /// <summary>Sends one observation (the spec's observation fields); returns the action for it.</summary>
    /// <exception cref="GatoMeshException">The session refused the step (e.g.
    /// <see cref="ErrorCode.InvalidObservation"/> naming the field); the session is unharmed and the
    /// next step proceeds as if this one had not been sent.</exception>
    public async Task<ActionReply> StepAsync(FieldValues observation, CancellationToken ct = default)
    {
        var step = new Step { SessionId = Id };
        Map(() => WireValues.ToWire(Spec, observation, step.Observation), ErrorCode.InvalidObservation);
        step.Sequence = NextSequence();
        var reply = await this.client.SendAsync(new ClientMessage { Step = step }, ct);
        var result = GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Step).Step;
        return new ActionReply((long)result.Sequence, (long)result.Timestep, WireValues.FromWire(result.Action, "action"),
            [.. result.ActionTokens], result.ModelVersion, result.Recomputed);
    }

    /// <summary>Ends the episode and starts the next one in this session (same spec and prompt).</summary>
    public async Task ResetAsync(CancellationToken ct = default)
    {
        var reply = await this.client.SendAsync(new ClientMessage { Reset = new Reset { SessionId = Id, Sequence = NextSequence() } }, ct);
        GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Session);
    }

    /// <summary>Ends the session; its state is deleted. Closing twice is fine.</summary>
    public async Task CloseAsync(CancellationToken ct = default)
    {
        var reply = await this.client.SendAsync(new ClientMessage { Close = new Close { SessionId = Id } }, ct);
        GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Session);
    }

    /// <summary>What the session is now (open, episode, last sequence applied, next timestep).</summary>
    public async Task<SessionState> DescribeAsync(CancellationToken ct = default)
    {
        var reply = await this.client.SendAsync(new ClientMessage { Describe = new Describe { SessionId = Id } }, ct);
        var info = GatoMeshClient.Expect(reply, ServerMessage.ResultOneofCase.Session).Session;
        return new SessionState(info.SessionId, info.Open, (long)info.Sequence, (long)info.Episode, (long)info.NextTimestep, (int)info.PromptTokens);
    }

    /// <summary>Runs a mapping of local values to the wire; what the wire cannot carry is refused here,
    /// before anything is sent, as the session would refuse it.</summary>
    internal static void Map(Action map, ErrorCode code)
    {
        try
        {
            map();
        }
        catch (TokenSpaceException e)
        {
            throw new GatoMeshException(code, e.Field, e.Message, e);
        }
    }

    private ulong NextSequence() => (ulong)Interlocked.Increment(ref this.lastSequence);
}
