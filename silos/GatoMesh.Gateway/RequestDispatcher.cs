using System.Diagnostics;
using GatoMesh.Grains;
using GatoMesh.Protos;
using GatoMesh.Protos.V1;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Gateway;

/// <summary>
/// Turns one client request into one call on the fleet's episode-session grain and its answer into
/// one reply. Never throws: every failure becomes a typed <see cref="Error"/> (docs/GATEWAY.md,
/// "Errors") — what the wire got wrong is <c>MalformedRequest</c>, what the session refuses passes
/// through as the session said it, a cluster that cannot serve now is <c>Unavailable</c> (retry with the
/// same sequence), anything else <c>Internal</c>. The fleet comes from the connection's key, never from
/// the request, and prefixes the grain key (docs/ARCHITECTURE.md, "Fleets").
/// </summary>
internal sealed class RequestDispatcher(IGrainFactory grains, GatewayMetrics metrics, ILogger log)
{
    public async Task<ServerMessage> HandleAsync(string fleet, ClientMessage request)
    {
        var started = Stopwatch.GetTimestamp();
        var reply = new ServerMessage { RequestId = request.RequestId };
        try
        {
            switch (request.OpCase)
            {
                case ClientMessage.OpOneofCase.Open:
                    await OpenAsync(fleet, request.Open, reply);
                    break;
                case ClientMessage.OpOneofCase.Step:
                    await StepAsync(fleet, request.Step, reply);
                    break;
                case ClientMessage.OpOneofCase.Reset:
                    var reset = request.Reset;
                    var resetRequest = new ResetRequest { Fleet = fleet, Sequence = WireMapping.Sequence(reset.Sequence, "sequence") };
                    Answer(reply, reset.SessionId, await Session(fleet, reset.SessionId).Reset(resetRequest));
                    break;
                case ClientMessage.OpOneofCase.Close:
                    Answer(reply, request.Close.SessionId, await Session(fleet, request.Close.SessionId).Close(fleet));
                    break;
                case ClientMessage.OpOneofCase.Describe:
                    Answer(reply, request.Describe.SessionId, await Session(fleet, request.Describe.SessionId).Describe(fleet));
                    break;
                default:
                    Fail(reply, new SessionError(SessionErrorCode.MalformedRequest, "op", "names no operation (one of open, step, reset, close, describe)"));
                    break;
            }
        }
        catch (WireFormatException e)
        {
            Fail(reply, new SessionError(SessionErrorCode.MalformedRequest, e.Field, e.Reason));
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            Fail(reply, new SessionError(SessionErrorCode.Unavailable, "cluster", $"{e.Message}; retry with the same sequence number"));
        }
        catch (Exception e)
        {
            // A fault behind the gateway (a grain bug, a runtime error): the caller gets a typed reply,
            // the socket and every other session carry on.
            log.LogWarning(e, "gateway request {Op} of fleet {Fleet} failed", request.OpCase, fleet);
            Fail(reply, new SessionError(SessionErrorCode.Internal, "request", $"{e.GetType().Name}: {e.Message}"));
        }
        metrics.Request(OperationName(request.OpCase), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return reply;
    }

    private async Task OpenAsync(string fleet, Open open, ServerMessage reply)
    {
        var session = Session(fleet, open.SessionId);
        var prompt = new List<Grains.PromptTimestep>(open.Prompt.Count);
        for (var i = 0; i < open.Prompt.Count; i++) prompt.Add(WireMapping.FromWire(open.Prompt[i], $"prompt[{i}]"));
        var answer = await session.Open(new OpenSessionRequest
        {
            Fleet = fleet,
            SpecJson = open.SpecJson,
            Prompt = prompt,
            Temperature = open.Temperature,
            Seed = open.Seed,
            ContinuousAsTokens = open.ContinuousAsTokens,
        });
        Answer(reply, open.SessionId, answer);
    }

    private async Task StepAsync(string fleet, Step step, ServerMessage reply)
    {
        var session = Session(fleet, step.SessionId);
        var answer = await session.Step(new StepRequest
        {
            Fleet = fleet,
            Sequence = WireMapping.Sequence(step.Sequence, "sequence"),
            Observation = WireMapping.FromWire(step.Observation, "observation"),
        });
        if (answer.Error is { } error) Fail(reply, error);
        else reply.Step = WireMapping.ToWire(answer, step.SessionId);
    }

    private IEpisodeSessionGrain Session(string fleet, string sessionId)
    {
        if (SessionKeys.Check(sessionId) is { } problem) throw new WireFormatException("session_id", problem);
        return grains.GetGrain<IEpisodeSessionGrain>(SessionKeys.Of(fleet, sessionId));
    }

    private void Answer(ServerMessage reply, string sessionId, SessionReply answer)
    {
        if (answer.Error is { } error) Fail(reply, error);
        else reply.Session = WireMapping.ToWire(answer, sessionId);
    }

    private void Fail(ServerMessage reply, SessionError error)
    {
        metrics.Error(error.Code);
        reply.Error = WireMapping.ToWire(error);
    }

    private static string OperationName(ClientMessage.OpOneofCase op) => op switch
    {
        ClientMessage.OpOneofCase.Open => "open",
        ClientMessage.OpOneofCase.Step => "step",
        ClientMessage.OpOneofCase.Reset => "reset",
        ClientMessage.OpOneofCase.Close => "close",
        ClientMessage.OpOneofCase.Describe => "describe",
        _ => "none",
    };
}
