using System.Diagnostics;
using GatoMesh.Envs;
using GatoMesh.Fleet;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Tokens;

namespace GatoMesh.Bench.Engine;

/// <summary>
/// One agent driving an <see cref="InferenceEngine"/> directly, as an episode session does without the
/// cluster around it: encode the observation, ask for the action, resend the context on a cache miss,
/// decode the action, step the environment, release the sequence at the episode's end. The latency of
/// a step is from the observation (before encoding) to the decoded action.
/// </summary>
internal sealed class EngineAgent : IDisposable
{
    readonly int index;
    readonly IEnvironment environment;
    readonly TimestepEncoder encoder;
    readonly ActionDecoder decoder;
    readonly TokenRange[] ranges;
    readonly TokenBuffer buffer = new(256, 16);
    readonly List<CompletedTimestep> window = [];
    readonly int[] actionIds;
    long windowStart, timestep, episode;
    GatoMesh.Data.FieldValues observation;

    public EngineAgent(int index, BenchTask task, GatoConfig config)
    {
        this.index = index;
        environment = task.Create();
        var space = new TokenSpace(config.TextVocab);
        encoder = new TimestepEncoder(task.Spec, space, task.Text);
        decoder = new ActionDecoder(task.Spec, space);
        var continuous = task.Spec.ContinuousActionTokens();
        ranges = [.. task.Spec.ActionIdRanges(space).Select((r, i) => new TokenRange(r.Low, r.High) { Continuous = continuous[i] })];
        actionIds = new int[ranges.Length];
        observation = environment.Reset(Seed());
    }

    string SequenceId => $"agent-{index}-{episode}";

    /// <summary>Tokens this agent put through the engine per step (observation and action), summed.</summary>
    public long StepTokens { get; private set; }

    public long Steps { get; private set; }

    ulong Seed() => SeededRandom.For(0x5EED ^ (ulong)index, episode).NextUInt64();

    /// <summary>Steps from <paramref name="start"/> until <paramref name="end"/> (Stopwatch timestamps), one
    /// observation per <paramref name="periodTicks"/> when paced (0: closed loop); records the latency of
    /// every step that ends before <paramref name="end"/>.</summary>
    public async Task RunAsync(InferenceEngine engine, long start, long end, long periodTicks, LatencySamples latency, CancellationToken ct)
    {
        var next = start;
        while (!ct.IsCancellationRequested)
        {
            if (periodTicks > 0)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                next = Math.Max(next + periodTicks, Stopwatch.GetTimestamp());
            }
            var sent = Stopwatch.GetTimestamp();
            if (sent >= end)
                return;
            await StepAsync(engine).ConfigureAwait(false);
            var received = Stopwatch.GetTimestamp();
            if (received <= end)
                latency.Record(Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds);
        }
    }

    async Task StepAsync(InferenceEngine engine)
    {
        buffer.Clear();
        encoder.Encode(observation.ToObservation(encoder.Spec), null, buffer);
        var tokens = TokenBatchInputs.From(buffer);
        var request = new ActRequest
        {
            SequenceId = SequenceId,
            Timestep = timestep,
            Observation = tokens,
            ActionSpec = ranges,
            Context = timestep == 0 ? new SequenceContext(TokenBatchInputs.Text([], []), []) : null,
        };
        var result = await engine.ActAsync(request).ConfigureAwait(false);
        if (result is ActResult.CacheMiss)
            result = await engine.ActAsync(request with { Context = new SequenceContext(TokenBatchInputs.Text([], []), [.. window]) }).ConfigureAwait(false);
        var action = (ActResult.Action)result;
        StepTokens += tokens.Count + action.Tokens.Length;
        Steps++;
        for (var i = 0; i < actionIds.Length; i++)
            actionIds[i] = (int)action.Tokens[i];
        var step = environment.Step(decoder.Decode(actionIds));
        window.Add(new CompletedTimestep(tokens, action.Tokens));
        var drop = (int)(action.OldestTimestep - windowStart);
        window.RemoveRange(0, Math.Min(drop, window.Count));
        windowStart = action.OldestTimestep;
        timestep++;
        observation = step.Observation;
        if (!step.Done)
            return;
        engine.ReleaseSequence(SequenceId);
        episode++;
        timestep = windowStart = 0;
        window.Clear();
        observation = environment.Reset(Seed());
    }

    /// <summary>Ends the agent's sequence in the engine (between points, so the next point starts cold).</summary>
    public void Release(InferenceEngine engine) => engine.ReleaseSequence(SequenceId);

    public void Dispose() => environment.Dispose();
}
