using System.Collections.Concurrent;
using GatoMesh.Data;
using GatoMesh.Protos.V1;
using GatoMesh.Tokens;

namespace GatoMesh.Client;

/// <summary>
/// A connection to a GatoMesh gateway (docs/GATEWAY.md): one WebSocket that carries the requests of
/// every session opened through this client, concurrently; thread-safe. When the connection is lost the
/// client reconnects (backing off) and sends the requests in flight again, unchanged: a step keeps the
/// sequence number it was given, so the session applies it once and answers the retry with the same
/// action. Refusals that a retry cannot cure throw <see cref="GatoMeshException"/> at once.
/// </summary>
public sealed class GatoMeshClient : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly GatoMeshClientOptions options;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ServerMessage>> pending = new();
    private readonly SemaphoreSlim connectLock = new(1, 1);
    private readonly CancellationTokenSource disposed = new();
    private GatewayConnection? connection;
    private long lastRequestId;

    private GatoMeshClient(GatoMeshClientOptions options) => this.options = options;

    /// <summary>Connects (trying up to <see cref="GatoMeshClientOptions.MaxAttempts"/> times).</summary>
    /// <exception cref="GatoMeshException"><see cref="ErrorCode.Unauthorized"/> for a refused key;
    /// <see cref="ErrorCode.Unavailable"/> when no connection could be made.</exception>
    public static async Task<GatoMeshClient> ConnectAsync(GatoMeshClientOptions options, CancellationToken ct = default)
    {
        if (options.Endpoint.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"Endpoint must be a ws:// or wss:// URI, not '{options.Endpoint}'", nameof(options));
        if (string.IsNullOrEmpty(options.ApiKey))
            throw new ArgumentException("ApiKey must be non-empty", nameof(options));
        if (options.MaxAttempts < 1)
            throw new ArgumentException($"MaxAttempts must be at least 1, not {options.MaxAttempts}", nameof(options));
        var client = new GatoMeshClient(options);
        Exception? failure = null;
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            if (attempt > 1) await Task.Delay(client.Backoff(attempt), ct);
            try
            {
                await client.ConnectionAsync(ct);
                return client;
            }
            catch (Exception e) when (IsConnectFailure(e))
            {
                failure = e;
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
        }
        await client.DisposeAsync();
        throw new GatoMeshException(ErrorCode.Unavailable, "endpoint",
            $"could not connect to {options.Endpoint} in {options.MaxAttempts} attempts: {failure?.Message}", failure);
    }

    /// <summary>Opens the session <paramref name="sessionId"/> of this client's fleet (or re-opens it,
    /// idempotently, with the same spec and prompt: its step numbering then continues). The spec is an
    /// embodiment spec's JSON (docs/TOKENS.md); <paramref name="prompt"/> a demonstration whose timesteps
    /// are pinned at the start of the context. Continuous actions are the expected value of the model's
    /// distribution unless <paramref name="continuousAsTokens"/> (docs/GATEWAY.md, "open").</summary>
    /// <exception cref="GatoMeshException"><see cref="ErrorCode.InvalidSpec"/> when the spec cannot be read
    /// here; what the session refuses, with its code and field.</exception>
    public async Task<EpisodeSession> OpenSessionAsync(string sessionId, string specJson,
        IReadOnlyList<RecordedStep>? prompt = null, float temperature = 0, ulong seed = 0, bool continuousAsTokens = false,
        CancellationToken ct = default)
    {
        EmbodimentSpec spec;
        try
        {
            spec = SpecJsonReader.Parse(specJson);
        }
        catch (Exception e) when (e is TokenSpaceException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new GatoMeshException(ErrorCode.InvalidSpec, "spec", e.Message, e);
        }
        var open = new Open { SessionId = sessionId, SpecJson = specJson, Temperature = temperature, Seed = seed, ContinuousAsTokens = continuousAsTokens };
        for (var i = 0; i < (prompt?.Count ?? 0); i++)
        {
            var timestep = new Protos.V1.PromptTimestep();
            EpisodeSession.Map(() =>
            {
                WireValues.ToWire(spec, prompt![i].Observation, timestep.Observation, $"prompt[{i}].observation");
                WireValues.ActionToWire(spec, prompt[i].Action, timestep.Action);
            }, ErrorCode.InvalidPrompt);
            open.Prompt.Add(timestep);
        }
        var reply = await SendAsync(new ClientMessage { Open = open }, ct);
        var info = Expect(reply, ServerMessage.ResultOneofCase.Session).Session;
        return new EpisodeSession(this, sessionId, spec, (long)info.Sequence);
    }

    /// <summary>Sends <paramref name="message"/> (its request id is set here) until it is answered:
    /// retried on a lost connection, a timeout or an <c>Unavailable</c> answer; any other error answer
    /// throws.</summary>
    internal async Task<ServerMessage> SendAsync(ClientMessage message, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        var id = (ulong)Interlocked.Increment(ref lastRequestId);
        message.RequestId = id;
        var answer = NewAnswer(id);
        try
        {
            Exception? failure = null;
            for (var attempt = 1; attempt <= this.options.MaxAttempts; attempt++)
            {
                if (attempt > 1) await Task.Delay(Backoff(attempt), ct);
                GatewayConnection connection;
                try
                {
                    connection = await ConnectionAsync(ct);
                    await connection.SendAsync(message, ct);
                }
                catch (Exception e) when (IsConnectFailure(e))
                {
                    failure = e;
                    continue;
                }
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, disposed.Token);
                timeout.CancelAfter(this.options.RequestTimeout);
                await Task.WhenAny(answer.Task, connection.Closed, Task.Delay(Timeout.Infinite, timeout.Token));
                ct.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
                if (answer.Task.IsCompleted)
                {
                    var reply = answer.Task.Result;
                    if (reply.ResultCase != ServerMessage.ResultOneofCase.Error) return reply;
                    if (reply.Error.Code != ErrorCode.Unavailable) throw new GatoMeshException(reply.Error);
                    failure = new GatoMeshException(reply.Error);
                    answer = NewAnswer(id);
                    continue;
                }
                if (connection.IsOpen)
                {
                    // No answer in time on a socket that looks alive: deem it dead, so every request on it
                    // moves to a new connection rather than waiting out its own timeout.
                    connection.Abort();
                    failure = new TimeoutException($"no answer within {this.options.RequestTimeout.TotalMilliseconds:0} ms");
                }
                else
                {
                    failure = new IOException("the connection to the gateway was lost");
                }
            }
            throw new GatoMeshException(ErrorCode.Unavailable, "connection",
                $"no answer after {this.options.MaxAttempts} attempts: {failure?.Message}", failure);
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    internal static ServerMessage Expect(ServerMessage reply, ServerMessage.ResultOneofCase kind) => reply.ResultCase == kind
        ? reply
        : throw new GatoMeshException(ErrorCode.Internal, "reply", $"the gateway answered {reply.ResultCase} where {kind} was due");

    private TaskCompletionSource<ServerMessage> NewAnswer(ulong id)
    {
        var answer = new TaskCompletionSource<ServerMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = answer;
        return answer;
    }

    private void OnReply(ServerMessage reply)
    {
        // Replies to requests no longer waiting (answered on an earlier try, or id 0: a frame the gateway
        // could not read far enough to know its id) have no one to go to.
        if (pending.TryGetValue(reply.RequestId, out var answer)) answer.TrySetResult(reply);
    }

    private async Task<GatewayConnection> ConnectionAsync(CancellationToken ct)
    {
        if (this.connection is { IsOpen: true } open) return open;
        await connectLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
            if (this.connection is { IsOpen: true } current) return current;
            this.connection = await GatewayConnection.ConnectAsync(this.options, OnReply, ct);
            return this.connection;
        }
        finally
        {
            connectLock.Release();
        }
    }

    /// <summary>Pause before try <paramref name="attempt"/> (2, 3, ...): the delay, doubling, capped.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var delay = this.options.ReconnectDelay * Math.Pow(2, Math.Min(attempt - 2, 16));
        return delay < MaxBackoff ? delay : MaxBackoff;
    }

    private static bool IsConnectFailure(Exception e) =>
        e is ConnectionLostException or System.Net.WebSockets.WebSocketException or IOException
            or System.Net.Http.HttpRequestException or System.Net.Sockets.SocketException;

    public async ValueTask DisposeAsync()
    {
        if (disposed.IsCancellationRequested) return;
        disposed.Cancel();
        await connectLock.WaitAsync();
        try
        {
            if (this.connection is { } connection) await connection.CloseAsync(TimeSpan.FromSeconds(2));
        }
        finally
        {
            connectLock.Release();
        }
    }
}
