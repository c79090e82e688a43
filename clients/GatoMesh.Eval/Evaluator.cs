using System.Diagnostics;
using GatoMesh.Data;
using GatoMesh.Envs;

namespace GatoMesh.Eval;

/// <summary>
/// Runs every episode of an evaluation with its own agent, many at once, and scores the tasks by the
/// paper's rule (Gato, section 4: expert-normalized scores): a task's score is the mean return of its episodes,
/// normalized as <c>(score - random) / (expert - random)</c>; the overall figure is the mean of the
/// tasks' normalized scores. Episodes are interleaved across tasks, so the agents in flight at any
/// moment are a mix of embodiments sharing the engine's batches, as a fleet's would be.
/// </summary>
public static class Evaluator
{
    public static async Task<EvaluationReport> RunAsync(EvaluationOptions options, IEpisodeAgentFactory agents, ReferenceReturns references,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var scores = options.Tasks.ToDictionary(t => t.Name, t => references.For(t.Name));
        // Episode ids are unique per run, so two evaluations against one cluster never share a session.
        var run = Guid.NewGuid().ToString("N")[..8];
        var jobs = Enumerable.Range(0, options.Episodes)
            .SelectMany(i => options.Tasks.Select(task => (Task: task, Index: i)))
            .ToList();
        var results = new EpisodeResult[jobs.Count];
        var clock = Stopwatch.StartNew();
        var done = 0;
        long steps = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellation },
            async (j, ct) =>
            {
                var (task, index) = jobs[j];
                var seed = options.FirstSeed + (ulong)index;
                var prompt = options.PromptTokens > 0 ? DemonstrationPrompt.For(task, seed, options.PromptTokens) : [];
                results[j] = await RunEpisodeAsync(task, $"{run}-{task.Name}-{index}", seed, agents, ct, record: index < options.RecordedEpisodes, prompt);
                var total = Interlocked.Add(ref steps, results[j].Steps);
                progress?.Report(new EvaluationProgress(Interlocked.Increment(ref done), jobs.Count, total, clock.Elapsed));
            });
        var elapsed = clock.Elapsed;

        var tasks = options.Tasks.Select(task =>
        {
            var returns = results.Where(r => r.Task == task.Name).Select(r => r.Return).ToList();
            var reference = scores[task.Name];
            var score = returns.Average();
            return new TaskResult(task.Name, returns.Count, score, reference.Normalize(score), reference.Expert, reference.Random, returns);
        }).ToList();
        var latencies = results.SelectMany(r => r.StepMilliseconds).ToList();
        return new EvaluationReport(agents.Name, tasks, tasks.Average(t => t.Normalized), LatencyDistribution.Of(latencies),
            results.Sum(r => (long)r.Steps), elapsed, Math.Min(options.Concurrency, jobs.Count), references.Source)
        {
            StepMilliseconds = latencies,
            Recorded = results.Where(r => r.Frames is not null).ToList(),
            PromptTokens = options.PromptTokens,
        };
    }

    /// <summary>One episode: reset the environment to the seed, then observation to the agent, its
    /// action to the environment, until the episode ends (success, failure or the step limit). With
    /// <paramref name="record"/> every step is kept (<see cref="EpisodeResult.Frames"/>); the agent starts with
    /// <paramref name="prompt"/>.</summary>
    public static async Task<EpisodeResult> RunEpisodeAsync(EnvironmentTask task, string episodeId, ulong seed, IEpisodeAgentFactory agents,
        CancellationToken cancellation = default, bool record = false, IReadOnlyList<RecordedStep>? prompt = null)
    {
        var frames = record ? new List<EpisodeFrame>() : null;
        using var environment = task.CreateEnvironment();
        var observation = environment.Reset(seed);
        var latencies = new List<double>(environment.MaxSteps);
        var total = 0.0;
        var agent = await agents.StartAsync(new EpisodeStart(task, environment, episodeId, seed) { Prompt = prompt ?? [] }, cancellation);
        await using (agent)
        {
            for (var t = 0; t < environment.MaxSteps; t++)
            {
                var started = Stopwatch.GetTimestamp();
                var action = await agent.ActAsync(observation, cancellation);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var step = environment.Step(action);
                frames?.Add(new EpisodeFrame(observation, action, step.Reward));
                total += step.Reward;
                observation = step.Observation;
                if (step.Done) break;
            }
        }
        return new EpisodeResult(task.Name, seed, total, latencies.Count, latencies) { Frames = frames };
    }
}
