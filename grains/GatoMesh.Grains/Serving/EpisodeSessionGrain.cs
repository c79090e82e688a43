using System.Diagnostics;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;
using Orleans.Storage;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// One agent's episode (ARCHITECTURE.md, "Serving path"; GATO.md, "Deployment"): the prompt is
/// pinned, every observation is tokenized and appended, the local inference grain samples the action
/// tokens, the step is persisted, and only then is the action returned, so a crash of this silo loses
/// nothing the agent was told. The engine normally holds the context in its KV cache; when it has lost
/// it (eviction, swap, another silo after a crash), the session resends prompt and window, and the
/// action is the one an uninterrupted session would have got.
/// </summary>
// Every session costs its silo about the same (a share of one engine), so sessions are spread by activation
// count. Orleans' default placement favours the calling silo, and the gateway a fleet connects to is that
// caller: the whole fleet would pile onto one silo's engine while the others idle.
[ActivationCountBasedPlacement]
internal sealed class EpisodeSessionGrain(ModelHost host, ServingOptions options, SessionActivations activations) : Grain, IEpisodeSessionGrain
{
    // The cursor's window hint is rewritten once the window start moved this far past it, which
    // bounds how far activation reads forward over deleted records (SessionStore.ReadWindowAsync).
    private const int HintLag = 16;
    // A resent request is the engine's youngest, so it may be evicted again by older ones, but never by
    // newer arrivals: it becomes the oldest after finitely many resends (Scheduler.Reserve).
    private const int MaxResends = 32;

    private string? key;
    private SessionStore store = null!;
    private IInferenceGrain inference = null!;

    private SessionHeader? header;
    private SessionCursor cursor = new();
    private readonly List<StepRecord> window = [];
    private StepRecord? last;
    private long nextTimestep;

    private EmbodimentSpec spec = null!;
    private TimestepEncoder encoder = null!;
    private ActionDecoder decoder = null!;
    private TokenRange[] actionRanges = [];
    private TokenBatchInputs prompt = null!;
    private int promptTokens;
    private readonly TokenBuffer buffer = new();
    private bool active;

    private string Key => this.key ??= this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        store = new SessionStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ServingOptions.StorageName), Key);
        this.inference = GrainFactory.GetGrain<IInferenceGrain>(IInferenceGrain.Cpu);
        ServingMetrics.ActiveSessions.Add(1);
        activations.Activated();
        active = true;

        this.header = await store.ReadHeaderAsync();
        this.cursor = await store.ReadCursorAsync() ?? new SessionCursor();
        if (this.header is null || !this.cursor.Open) return;
        if (DateTimeOffset.UtcNow - this.cursor.LastActive > options.SessionIdleExpiry)
        {
            await store.ClearAsync();
            this.header = null;
            this.cursor = new SessionCursor();
            return;
        }
        if (Prepare(this.header) is { } broken)
            throw new InvalidOperationException($"session {Key} holds a header it can no longer use: {broken}");
        var records = await store.ReadWindowAsync(this.cursor.Episode, this.cursor.WindowStartHint, HintLag + 64);
        this.window.AddRange(records);
        this.last = records.Count > 0 ? records[^1] : null;
        nextTimestep = this.last is null ? this.cursor.WindowStartHint : this.last.Timestep + 1;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        if (active)
        {
            ServingMetrics.ActiveSessions.Add(-1);
            activations.Deactivated();
        }
        active = false;
        return Task.CompletedTask;
    }

    public async Task<SessionReply> Open(OpenSessionRequest request)
    {
        if (string.IsNullOrEmpty(request?.Fleet)) return Fail(SessionErrorCode.MalformedRequest, "fleet", "must be non-empty");
        if (this.header is not null && this.cursor.Open)
        {
            if (this.header.Fleet != request.Fleet) return Unknown();
            return Same(this.header, request)
                ? Describe()
                : Fail(SessionErrorCode.SessionExists, "session", "is already open with another spec, prompt or sampling; close it first");
        }
        if (request.Prompt.Count > options.MaxPromptTimesteps)
            return Fail(SessionErrorCode.InvalidPrompt, "prompt", $"has {request.Prompt.Count} timesteps; at most {options.MaxPromptTimesteps} are accepted");
        if (!float.IsFinite(request.Temperature) || request.Temperature < 0)
            return Fail(SessionErrorCode.MalformedRequest, "temperature", $"= {request.Temperature}: must be finite and non-negative");
        var header = new SessionHeader
        {
            Fleet = request.Fleet,
            SpecJson = request.SpecJson ?? "",
            Prompt = [.. request.Prompt],
            Temperature = request.Temperature,
            Seed = request.Seed,
            ContinuousAsTokens = request.ContinuousAsTokens,
        };
        if (Prepare(header) is { } error) return SessionReply.Failed(Count(error));
        var episode = this.cursor.Episode + 1;
        await store.WriteHeaderAsync(header);
        this.header = header;
        this.cursor = new SessionCursor { Open = true, Episode = episode, LastActive = DateTimeOffset.UtcNow };
        await store.WriteCursorAsync(this.cursor);
        this.window.Clear();
        this.last = null;
        nextTimestep = 0;
        ServingMetrics.SessionsOpened.Add(1);
        return Describe();
    }

    public async Task<StepReply> Step(StepRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        if (Check(request?.Fleet) is { } refused) return StepReply.Failed(refused);
        if (this.last is { } last && request!.Sequence == last.Sequence)
        {
            ServingMetrics.RetriedSteps.Add(1);
            return Reply(last);
        }
        var newest = Math.Max(this.cursor.ResetSequence, this.last?.Sequence ?? 0);
        if (request!.Sequence <= newest)
            return StepReply.Failed(Count(new SessionError(SessionErrorCode.StaleSequence, "sequence",
                $"= {request.Sequence}: the session already applied sequence {newest}; use a larger number")));

        TokenBatchInputs observation;
        try
        {
            var values = FieldValueConversion.ToObservation(this.spec, request.Observation, "observation");
            buffer.Clear();
            this.encoder.Encode(values, null, buffer);
            observation = TokenBatchInputs.From(buffer);
        }
        catch (FieldError e)
        {
            return StepReply.Failed(Count(new SessionError(SessionErrorCode.InvalidObservation, e.Field, e.Problem)));
        }
        catch (TokenSpaceException e)
        {
            return StepReply.Failed(Count(new SessionError(SessionErrorCode.InvalidObservation, $"observation.{e.Field}", e.Message)));
        }

        var act = new ActRequest
        {
            SequenceId = SequenceId,
            Timestep = nextTimestep,
            Observation = observation,
            ActionSpec = actionRanges,
            Sampling = new SamplingParams { Temperature = this.header!.Temperature, Seed = this.header.Seed, ContinuousAsTokens = this.header.ContinuousAsTokens },
        };
        InferenceReply answer;
        var recomputed = false;
        try
        {
            answer = await this.inference.Act(act);
            for (var resend = 0; answer.Result is ActResult.CacheMiss && resend < MaxResends; resend++)
            {
                recomputed = true;
                answer = await this.inference.Act(act with { Context = Context() });
            }
        }
        catch (TimeoutException)
        {
            // The engine is overloaded beyond the call timeout. Drop the queued request (it would
            // otherwise collide with the client's retry) and let the client retry later.
            await this.inference.Release(SequenceId);
            return StepReply.Failed(Count(new SessionError(SessionErrorCode.Unavailable, "observation",
                "the silo's engine did not answer within the call timeout (overloaded); retry the step")));
        }
        if (answer.Refusal is { Field: nameof(ActRequest.SequenceId) })
        {
            // An earlier attempt of this step (its call timed out, the client retried) still waits in
            // the engine: drop it, so the next retry starts clean.
            await this.inference.Release(SequenceId);
            return StepReply.Failed(Count(new SessionError(SessionErrorCode.Unavailable, "observation",
                "an earlier attempt of this step was still queued in the engine; retry the step")));
        }
        if (answer.Refusal is { } refusal)
            return StepReply.Failed(Count(new SessionError(SessionErrorCode.ContextTooLong, "observation", refusal.Message)));
        if (answer.Result is not ActResult.Action action)
            return StepReply.Failed(Count(new SessionError(SessionErrorCode.Unavailable, "observation",
                $"the engine lost the session's cache {MaxResends + 1} times in a row (memory pressure); retry the step")));

        var record = new StepRecord
        {
            Episode = this.cursor.Episode,
            Timestep = nextTimestep,
            Sequence = request.Sequence,
            Observation = new Dictionary<string, FieldValue>(request.Observation, StringComparer.Ordinal),
            ActionTokens = action.Tokens,
            ModelVersion = answer.Version.Id,
            Recomputed = recomputed,
        };
        // Persist before answering: the agent never acts on a step a crash could lose.
        try
        {
            await store.WriteStepAsync(record);
        }
        catch (InconsistentStateException)
        {
            if (await store.ReadStepAsync(record.Episode, record.Timestep) is not { } stored || stored.Sequence != request.Sequence)
                return await SupersededAsync();
            // This very step was persisted by an earlier attempt whose answer was lost (a write applied but
            // not acknowledged): it stands, and the retry gets its answer. The engine's cache now ends in
            // the tokens just sampled; if those differ from the stored ones it is dropped, so the next step
            // rebuilds from the persisted context, as any later activation would.
            if (!stored.ActionTokens.AsSpan().SequenceEqual(action.Tokens)) await this.inference.Release(SequenceId);
            record = stored;
        }
        this.window.Add(record);
        this.last = record;
        nextTimestep++;
        await TrimAsync(action.OldestTimestep);
        if (recomputed) ServingMetrics.Recomputes.Add(1);
        ServingMetrics.Steps.Add(1);
        ServingMetrics.StepMilliseconds.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return Reply(record);
    }

    /// <summary>
    /// Another activation of this session (a moment of membership disagreement) applied a different step
    /// at this timestep: this activation's view is stale. It frees its cache and deactivates, so the
    /// client's retry meets a fresh activation that reads what was persisted.
    /// </summary>
    private async Task<StepReply> SupersededAsync()
    {
        await this.inference.Release(SequenceId);
        DeactivateOnIdle();
        return StepReply.Failed(Count(new SessionError(SessionErrorCode.Unavailable, "session",
            "another activation of this session applied a step at this timestep; retry the step")));
    }

    public async Task<SessionReply> Reset(ResetRequest request)
    {
        if (Check(request?.Fleet) is { } refused) return SessionReply.Failed(refused);
        if (request!.Sequence == this.cursor.ResetSequence && this.cursor.ResetSequence > (this.last?.Sequence ?? 0)) return Describe();
        var newest = Math.Max(this.cursor.ResetSequence, this.last?.Sequence ?? 0);
        if (request.Sequence <= newest)
            return SessionReply.Failed(Count(new SessionError(SessionErrorCode.StaleSequence, "sequence",
                $"= {request.Sequence}: the session already applied sequence {newest}; use a larger number")));
        await EndEpisodeAsync();
        this.cursor.Episode++;
        this.cursor.ResetSequence = request.Sequence;
        this.cursor.WindowStartHint = 0;
        this.cursor.LastActive = DateTimeOffset.UtcNow;
        await store.WriteCursorAsync(this.cursor);
        return Describe();
    }

    public async Task<SessionReply> Close(string fleet)
    {
        if (this.header is not null && this.header.Fleet != fleet) return Unknown();
        if (this.header is null || !this.cursor.Open) return new SessionReply { Session = SessionIdOf(Key), Open = false };
        await EndEpisodeAsync();
        await store.ClearAsync();
        this.header = null;
        this.cursor = new SessionCursor { Episode = this.cursor.Episode };
        ServingMetrics.SessionsClosed.Add(1);
        DeactivateOnIdle();
        return new SessionReply { Session = SessionIdOf(Key), Open = false };
    }

    public Task<SessionReply> Describe(string fleet) =>
        Task.FromResult(Check(fleet) is { } refused ? SessionReply.Failed(refused) : Describe());

    private string SequenceId => $"{Key}#{this.cursor.Episode}";

    /// <summary>Prompt and window, as the engine needs them to rebuild the sequence's cache.</summary>
    private SequenceContext Context()
    {
        var timesteps = new List<CompletedTimestep>(this.window.Count);
        foreach (var record in this.window)
        {
            buffer.Clear();
            this.encoder.Encode(FieldValueConversion.ToObservation(this.spec, record.Observation, "observation"), null, buffer);
            timesteps.Add(new CompletedTimestep(TokenBatchInputs.From(buffer), record.ActionTokens));
        }
        return new SequenceContext(this.prompt, timesteps);
    }

    /// <summary>Drops the timesteps the engine slid out of its window, here and in storage.</summary>
    private async Task TrimAsync(long oldest)
    {
        var dropped = new List<Task>();
        while (this.window.Count > 0 && this.window[0].Timestep < oldest)
        {
            dropped.Add(store.DeleteStepAsync(this.window[0].Episode, this.window[0].Timestep));
            this.window.RemoveAt(0);
        }
        var now = DateTimeOffset.UtcNow;
        if (oldest - this.cursor.WindowStartHint >= HintLag || now - this.cursor.LastActive > options.SessionIdleExpiry / 4)
        {
            this.cursor.WindowStartHint = oldest;
            this.cursor.LastActive = now;
            dropped.Add(store.WriteCursorAsync(this.cursor));
        }
        await Task.WhenAll(dropped);
    }

    /// <summary>Frees the engine's cache of the current episode and deletes its step records.</summary>
    private async Task EndEpisodeAsync()
    {
        await this.inference.Release(SequenceId);
        await Task.WhenAll(this.window.Select(r => store.DeleteStepAsync(r.Episode, r.Timestep)));
        this.window.Clear();
        this.last = null;
        nextTimestep = 0;
    }

    /// <summary>Parses the spec, builds the encoder and encodes the prompt; null when all is well.</summary>
    private SessionError? Prepare(SessionHeader header)
    {
        EmbodimentSpec spec;
        TimestepEncoder encoder;
        try
        {
            spec = SpecJsonReader.Parse(header.SpecJson);
            encoder = new TimestepEncoder(spec, host.Space, spec.Observation.Any(f => f.Kind == FieldKind.Text) ? host.Text : null);
        }
        catch (Exception e) when (e is TokenSpaceException or System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return new SessionError(SessionErrorCode.InvalidSpec, "spec", e.Message);
        }
        var prompt = new TokenBuffer();
        for (var i = 0; i < header.Prompt.Count; i++)
        {
            var field = $"prompt[{i}]";
            var step = header.Prompt[i];
            if (step is null) return new SessionError(SessionErrorCode.InvalidPrompt, field, "is missing");
            try
            {
                encoder.Encode(FieldValueConversion.ToObservation(spec, step.Observation, field + ".observation"),
                    FieldValueConversion.ToAction(spec, step.Action, field + ".action"), prompt);
            }
            catch (FieldError e)
            {
                return new SessionError(SessionErrorCode.InvalidPrompt, e.Field, e.Problem);
            }
            catch (TokenSpaceException e)
            {
                return new SessionError(SessionErrorCode.InvalidPrompt, field + "." + e.Field, e.Message);
            }
        }
        // The prompt is pinned: it and one whole timestep must fit the window.
        var window = host.Engine.ContextWindow;
        var timestepTokens = spec.FixedObservationTokens + 1 + spec.ActionTokenCount;
        if (prompt.Count + timestepTokens > window)
            return new SessionError(SessionErrorCode.ContextTooLong, "prompt",
                $"{prompt.Count} prompt tokens and a {timestepTokens}-token timestep exceed the context window of {window} tokens");
        this.spec = spec;
        this.encoder = encoder;
        decoder = new ActionDecoder(spec, host.Space);
        var continuous = spec.ContinuousActionTokens();
        actionRanges = [.. spec.ActionIdRanges(host.Space).Select((r, i) => new TokenRange(r.Low, r.High) { Continuous = continuous[i] })];
        this.prompt = TokenBatchInputs.From(prompt);
        promptTokens = prompt.Count;
        return null;
    }

    private SessionError? Check(string? fleet)
    {
        if (this.header is null || this.header.Fleet != fleet)
            return Count(new SessionError(SessionErrorCode.UnknownSession, "session", $"'{SessionIdOf(Key)}' is not open for this fleet"));
        if (!this.cursor.Open) return Count(new SessionError(SessionErrorCode.SessionClosed, "session", "is closed"));
        return null;
    }

    private StepReply Reply(StepRecord record)
    {
        var ids = record.ActionTokens.Select(t => (int)t).ToArray();
        return new StepReply
        {
            Sequence = record.Sequence,
            Timestep = record.Timestep,
            Action = FieldValueConversion.FromAction(this.spec, decoder.Decode(ids)),
            ActionTokens = record.ActionTokens,
            ModelVersion = record.ModelVersion,
            Recomputed = record.Recomputed,
        };
    }

    private SessionReply Describe() => new()
    {
        Session = SessionIdOf(Key),
        Spec = this.spec?.Name ?? "",
        Open = this.header is not null && this.cursor.Open,
        Sequence = Math.Max(this.cursor.ResetSequence, this.last?.Sequence ?? 0),
        Episode = this.cursor.Episode,
        NextTimestep = nextTimestep,
        PromptTokens = promptTokens,
    };

    private static bool Same(SessionHeader header, OpenSessionRequest request) =>
        header.SpecJson == request.SpecJson && header.Temperature == request.Temperature && header.Seed == request.Seed
        && header.ContinuousAsTokens == request.ContinuousAsTokens
        && System.Text.Json.JsonSerializer.Serialize(header.Prompt) == System.Text.Json.JsonSerializer.Serialize(request.Prompt.ToList());

    private SessionReply Unknown() => SessionReply.Failed(Count(new SessionError(SessionErrorCode.UnknownSession, "session",
        $"'{SessionIdOf(Key)}' is not open for this fleet")));

    private static SessionReply Fail(SessionErrorCode code, string field, string message) =>
        SessionReply.Failed(Count(new SessionError(code, field, message)));

    private static SessionError Count(SessionError error)
    {
        ServingMetrics.Error(error.Code);
        return error;
    }

    /// <summary>The client's session id (the key without its fleet prefix).</summary>
    private static string SessionIdOf(string key) => key[(key.IndexOf('/') + 1)..];
}
