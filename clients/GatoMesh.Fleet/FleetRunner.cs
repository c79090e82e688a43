using System.Diagnostics;
using GatoMesh.Data;

namespace GatoMesh.Fleet;

/// <summary>
/// Runs a fleet against a target in three phases (docs/FLEET.md): open every agent's session
/// (<see cref="FleetOptions.OpenConcurrency"/> at a time), step all agents for
/// <see cref="FleetOptions.Duration"/> or until each has sent <see cref="FleetOptions.StepsPerAgent"/>
/// (paced agents' first steps staggered over 50 ms so they do not arrive as one burst), then close
/// the sessions. Only the stepping phase is measured: steps that end after
/// it are not counted, and the engine's counters are read at its start and end.
/// </summary>
public static class FleetRunner
{
    static readonly TimeSpan Stagger = TimeSpan.FromMilliseconds(50);

    public static async Task<FleetReport> RunAsync(IFleetTarget target, FleetOptions options,
        Action<FleetProgress>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var createEnvironment = FleetTasks.Get(options.Task);
        var counters = new FleetCounters();
        var agents = new FleetAgent[options.Agents];
        for (var i = 0; i < agents.Length; i++)
            agents[i] = new FleetAgent(i, createEnvironment(), options, counters);
        string specJson;
        using (var specimen = createEnvironment())
            specJson = SpecJsonWriter.ToJson(specimen.Spec).ToJsonString();

        var opening = Stopwatch.StartNew();
        await ForEachBounded(agents, options.OpenConcurrency, (agent, token) => agent.OpenAsync(target, specJson, token), ct);
        opening.Stop();
        var openErrors = counters.Errors;

        var before = await target.ReadEngineTotalsAsync(ct);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(ct);
        drain.CancelAfter(options.Duration + options.DrainTimeout);
        var staggerTicks = (long)(Stagger.TotalSeconds * Stopwatch.Frequency);
        var running = agents.Select(agent => Task.Run(() =>
            agent.RunAsync(start + staggerTicks * agent.Index / agents.Length, end, drain.Token))).ToArray();
        var all = Task.WhenAll(running);
        // The second reading is taken when the measured phase ends (the duration, or every agent's last
        // step), not after the in-flight steps drain, so the engine's work is divided by the same duration as the steps.
        var afterTask = ReadAtEnd(target, all, options.Duration, ct);
        var reported = 0;
        var lastSteps = 0L;
        var lastTimestamp = start;
        void Report()
        {
            var now = Stopwatch.GetTimestamp();
            var recent = counters.Latency.Summarize(reported);
            reported += recent.Count;
            var steps = counters.Steps;
            var interval = Stopwatch.GetElapsedTime(lastTimestamp, now).TotalSeconds;
            progress?.Invoke(new FleetProgress(
                Stopwatch.GetElapsedTime(start, now), options.Duration, agents.Count(a => a.IsOpen), steps,
                interval > 0 ? (steps - lastSteps) / interval : 0, recent.P99, counters.Errors));
            lastSteps = steps;
            lastTimestamp = now;
        }
        while (await Task.WhenAny(all, Task.Delay(options.ProgressInterval, ct)) != all)
            Report();
        await all;
        var stopped = Stopwatch.GetTimestamp();
        // A last report when the stepping ends, so a display (and a short run) always sees the final count.
        Report();
        var after = await afterTask;
        var measured = Stopwatch.GetElapsedTime(start, Math.Min(end, stopped));

        var closing = Stopwatch.StartNew();
        await ForEachBounded(agents, options.OpenConcurrency, (agent, token) => agent.CloseAsync(token), ct);
        closing.Stop();

        var latency = counters.Latency.Summarize();
        return new FleetReport
        {
            Agents = options.Agents,
            Task = options.Task,
            PeriodMs = options.Period?.TotalMilliseconds,
            DurationS = measured.TotalSeconds,
            Steps = latency.Count,
            StepsPerSecond = latency.Count / measured.TotalSeconds,
            P50Ms = latency.P50,
            P95Ms = latency.P95,
            P99Ms = latency.P99,
            MaxMs = latency.Max,
            MeanMs = latency.Mean,
            MeanBatch = before is not null && after is not null ? after.MeanBatchTokensSince(before) : null,
            MeanBatchSequences = before is not null && after is not null ? after.MeanBatchSequencesSince(before) : null,
            EngineIterations = before is not null && after is not null ? after.Iterations - before.Iterations : null,
            EngineTokens = before is not null && after is not null
                ? after.DecodeTokens + after.PrefillTokens - before.DecodeTokens - before.PrefillTokens
                : null,
            DeadlineMissRate20Hz = latency.Count == 0 ? 0 : (double)counters.DeadlineMisses / latency.Count,
            Errors = counters.Errors,
            OpenErrors = openErrors,
            ErrorsByCode = counters.ErrorsByCode,
            FirstErrors = counters.FirstErrorMessages,
            Model = counters.Model,
            OpenS = opening.Elapsed.TotalSeconds,
            CloseS = closing.Elapsed.TotalSeconds,
        };
    }

    static async Task<EngineTotals?> ReadAtEnd(IFleetTarget target, Task stepping, TimeSpan duration, CancellationToken ct)
    {
        // A budgeted run can end long before the duration: stop the timer with it.
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAny(stepping, Task.Delay(duration, timer.Token)).ConfigureAwait(false);
        timer.Cancel();
        ct.ThrowIfCancellationRequested();
        return await target.ReadEngineTotalsAsync(ct).ConfigureAwait(false);
    }

    static Task ForEachBounded(FleetAgent[] agents, int concurrency, Func<FleetAgent, CancellationToken, Task> work, CancellationToken ct) =>
        Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (agent, token) => await work(agent, token).ConfigureAwait(false));
}

/// <summary>A fleet's state while it runs, for a live display: steps per second and p99 over the last
/// progress interval, the rest since the stepping began.</summary>
public sealed record FleetProgress(TimeSpan Elapsed, TimeSpan Duration, int Agents, long Steps, double StepsPerSecond,
    double RecentP99Ms, long Errors);
