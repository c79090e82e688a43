using System.Collections.Concurrent;
using System.Diagnostics;
using GatoMesh.Tokens;
using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// Serves actions for many sequences from one model with continuous batching over a paged KV cache
/// (ARCHITECTURE.md, "Serving path"; vLLM's engine split into <see cref="Scheduler"/> and
/// <see cref="ModelRunner"/>). Callers submit from any thread and await; one dedicated engine
/// thread (never a thread-pool thread) owns the scheduler, the cache and every torch call, runs one
/// forward pass per iteration under a no-grad and a dispose scope, and completes results with
/// continuations forced off its thread.
/// </summary>
public sealed class InferenceEngine : IAsyncDisposable
{
    private readonly EngineOptions options;
    private readonly EngineCounters counters = new();
    private readonly ConcurrentQueue<Action> commands = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly Thread thread;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Scheduler scheduler;
    private readonly AttentionWorkers workers;
    private readonly ModelRunner runner;
    private readonly GatoConfig config;
    private readonly Device device;
    private readonly IterationCost cost = new();
    private volatile bool stopping;

    public InferenceEngine(GatoModel model, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.options = options ?? new EngineOptions();
        this.options.Validate(model.Config);
        config = model.Config;
        device = this.options.Device ?? model.Embed.Tokens.Weight.Device;
        scheduler = new Scheduler(config, this.options, counters);
        workers = new AttentionWorkers(this.options.AttentionThreads);
        runner = new ModelRunner(ServingModel.For(model, device, this.options.Precision), this.options, scheduler.Allocator.TotalBlocks, workers);
        thread = new Thread(Loop) { IsBackground = true, Name = "gatomesh-inference-engine" };
        thread.Start();
    }

    public EngineMetrics Metrics => counters.Snapshot();

    /// <summary>The context window in tokens (prompt included).</summary>
    public int ContextWindow => scheduler.Window;

    /// <summary>
    /// Decodes the action for the request's new timestep. Faults with
    /// <see cref="InvalidActRequestException"/> for a malformed request; answers
    /// <see cref="ActResult.CacheMiss"/> when the caller must resend its context.
    /// </summary>
    public Task<ActResult> ActAsync(ActRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(stopping, this);
        Validate(request, config);
        if (ct.IsCancellationRequested) return Task.FromCanceled<ActResult>(ct);
        var act = new PendingAct(request, new TaskCompletionSource<ActResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        Post(() =>
        {
            if (ct.IsCancellationRequested)
            {
                act.Completion.TrySetCanceled(ct);
                return;
            }
            act.Cancellation = ct.Register(() => Post(() => scheduler.Cancel(request.SequenceId, act)));
            scheduler.Admit(act);
        });
        return act.Completion.Task;
    }

    /// <summary>Frees the sequence's cache (the episode ended); a request in progress gets a cache miss.</summary>
    public void ReleaseSequence(string sequenceId)
    {
        ArgumentNullException.ThrowIfNull(sequenceId);
        Post(() => scheduler.Release(sequenceId));
    }

    /// <summary>Serves from <paramref name="model"/> from now on. Every cached sequence is dropped
    /// (its keys and values belong to the old weights): later requests get cache misses. The caller
    /// keeps ownership of both models. Returns the new model's generation: every action sampled
    /// with it carries that number in <see cref="ActResult.Action.ModelGeneration"/>.</summary>
    public Task<long> SwapModelAsync(GatoModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Same shapes: the KV pool, its budget and every caller's token space stay valid (a later
        // issue hot-swaps retrained weights of the served architecture).
        if (model.Config with { Preset = config.Preset } != config)
            throw new InvalidConfigException("model", model.Config.Preset, $"must have the served model's shapes ({config.Preset})");
        // The serving copy (device, precision) is made here, on the caller's thread, not between iterations.
        var weights = ServingModel.For(model, device, options.Precision);
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            scheduler.ReleaseAll();
            runner.Use(weights).Dispose();
            done.SetResult(++scheduler.ModelGeneration);
        });
        return done.Task;
    }

    private void Post(Action command)
    {
        commands.Enqueue(command);
        wake.Release();
    }

    private void Loop()
    {
        if (options.TorchThreads is { } threads) GatoMesh.Torch.Torch.Threads = threads;
        while (true)
        {
            while (commands.TryDequeue(out var command)) command();
            if (stopping) break;
            var plan = scheduler.Schedule(TokenBudget());
            if (plan.IsEmpty)
            {
                wake.Wait();
                continue;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var scope = DisposeScope.Begin();
                using var noGrad = new NoGradScope();
                scheduler.ApplySamples(plan, runner.Run(plan));
            }
            catch (Exception e)
            {
                scheduler.Fail(plan, e);
                continue;
            }
            cost.Add(plan.Tokens, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        // Requests posted while stopping are admitted and then dropped: each gets a cache miss.
        while (commands.TryDequeue(out var late)) late();
        scheduler.ReleaseAll();
        runner.Dispose();
        workers.Dispose();
        stopped.SetResult();
    }

    /// <summary>The tokens the next iteration may hold: what fits <see cref="EngineOptions.IterationTarget"/> by the
    /// recent iterations' cost (<see cref="IterationCost"/>), or <see cref="EngineOptions.TokenBudget"/>.</summary>
    private int? TokenBudget() => options.IterationTarget is { } target ? cost.TokensWithin(target.TotalSeconds, options.TokenBudget) : null;

    /// <summary>Checks a request against the model's token space before it reaches the engine thread.</summary>
    private void Validate(ActRequest request, GatoConfig model)
    {
        if (string.IsNullOrEmpty(request.SequenceId))
            throw new InvalidActRequestException(nameof(request.SequenceId), request.SequenceId, "must be non-empty");
        if (request.Timestep < 0)
            throw new InvalidActRequestException(nameof(request.Timestep), request.Timestep, "must be non-negative");
        if (request.ActionSpec.Count == 0)
            throw new InvalidActRequestException(nameof(request.ActionSpec), 0, "needs at least one action token");
        for (var i = 0; i < request.ActionSpec.Count; i++)
        {
            var range = request.ActionSpec[i];
            if (range.Lo < 0 || range.Hi > model.VocabSize || range.Lo >= range.Hi)
                throw new InvalidActRequestException($"{nameof(request.ActionSpec)}[{i}]", $"[{range.Lo}, {range.Hi})",
                    $"must be a non-empty id range inside [0, {model.VocabSize})");
            if (range.Continuous && range.Count != TokenSpace.BinCount)
                throw new InvalidActRequestException($"{nameof(request.ActionSpec)}[{i}]", $"[{range.Lo}, {range.Hi})",
                    $"is marked continuous, so it must hold the {TokenSpace.BinCount} continuous bins");
        }
        if (request.Sampling.Temperature is < 0 or float.NaN or float.PositiveInfinity)
            throw new InvalidActRequestException("Sampling.Temperature", request.Sampling.Temperature, "must be finite and non-negative");
        if (request.Observation.Count == 0)
            throw new InvalidActRequestException(nameof(request.Observation), 0, "needs at least the separator");
        Check(request.Observation, nameof(request.Observation), model);
        var window = scheduler.Window;
        var stepTokens = request.Observation.Count + request.ActionSpec.Count;
        if (stepTokens > window)
            throw new InvalidActRequestException(nameof(request.Observation), request.Observation.Count,
                $"with {request.ActionSpec.Count} action tokens it exceeds the context window of {window}");
        if (request.Context is not { } context) return;
        Check(context.Prompt, "Context.Prompt", model);
        for (var i = 0; i < context.Timesteps.Count; i++)
        {
            var past = context.Timesteps[i];
            var field = $"Context.Timesteps[{i}]";
            Check(past.Observation, field + ".Observation", model);
            foreach (var token in past.Actions)
                if (token < 0 || token >= model.VocabSize)
                    throw new InvalidActRequestException(field + ".Actions", token, $"must be ids in [0, {model.VocabSize})");
            if (context.Prompt.Count + past.Observation.Count + past.Actions.Length > window)
                throw new InvalidActRequestException(field, past.Observation.Count + past.Actions.Length,
                    $"with the prompt ({context.Prompt.Count} tokens) it exceeds the context window of {window}");
        }
        if (request.Timestep < context.Timesteps.Count)
            throw new InvalidActRequestException(nameof(request.Timestep), request.Timestep,
                $"is smaller than the {context.Timesteps.Count} past timesteps in the context");
    }

    private static void Check(TokenBatchInputs tokens, string field, GatoConfig model)
    {
        ArgumentNullException.ThrowIfNull(tokens, field);
        try
        {
            tokens.Validate(model);
        }
        catch (InvalidModelInputException e)
        {
            throw new InvalidActRequestException($"{field}.{e.Field}", null, e.Message);
        }
    }

    /// <summary>Stops the engine thread; requests still in progress get cache misses.</summary>
    public async ValueTask DisposeAsync()
    {
        if (stopping) return;
        stopping = true;
        wake.Release();
        await stopped.Task.ConfigureAwait(false);
        wake.Dispose();
    }
}
