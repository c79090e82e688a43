using GatoMesh.Model.Engine;
using GatoMesh.Torch;

namespace GatoMesh.Model.Tests.Engine;

/// <summary>
/// The engine's scheduler and model runner driven synchronously on the test thread, recording the
/// restricted logits of every sampled action token: what the logit-level invariants compare.
/// </summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly Scheduler scheduler;
    private readonly ModelRunner runner;

    public EngineHarness(GatoModel model, EngineOptions options)
    {
        options = options with { AttentionParallelWork = 0 }; // every iteration's attention split over the two threads
        options.Validate(model.Config);
        scheduler = new Scheduler(model.Config, options, Counters);
        var device = options.Device ?? model.Embed.Tokens.Weight.Device;
        runner = new ModelRunner(ServingModel.For(model, device, options.Precision), options, scheduler.Allocator.TotalBlocks, workers)
        {
            ObserveLogits = (chunk, logits) =>
                Logits[(chunk.Sequence.Id, chunk.Sequence.InFlight!.Request.Timestep, chunk.SampleAction)] = logits.ToArray(),
        };
    }

    public EngineCounters Counters { get; } = new();

    /// <summary>Two attention threads, so the split of the work is exercised whatever the machine.</summary>
    private readonly AttentionWorkers workers = new(2);
    internal Scheduler Scheduler => scheduler;

    /// <summary>Logits per (sequence, timestep, action index).</summary>
    public Dictionary<(string Sequence, long Timestep, int Action), float[]> Logits { get; } = [];

    /// <summary>Largest number of sequences seen in one iteration.</summary>
    public int MaxBatchSequences { get; private set; }

    public Task<ActResult> Submit(ActRequest request)
    {
        var act = new PendingAct(request, new TaskCompletionSource<ActResult>());
        scheduler.Admit(act);
        return act.Completion.Task;
    }

    /// <summary>Runs iterations until no sequence has work left.</summary>
    public void RunUntilIdle()
    {
        while (true)
        {
            var plan = scheduler.Schedule();
            if (plan.IsEmpty) return;
            MaxBatchSequences = Math.Max(MaxBatchSequences, plan.Chunks.Count);
            using (DisposeScope.Begin())
            using (new NoGradScope())
                scheduler.ApplySamples(plan, runner.Run(plan));
        }
    }

    /// <summary>Submits and runs one request to completion.</summary>
    public ActResult Act(ActRequest request)
    {
        var result = Submit(request);
        RunUntilIdle();
        Assert.True(result.IsCompleted, "the request finished once the engine went idle");
        return result.Result;
    }

    public void Dispose()
    {
        runner.Dispose();
        workers.Dispose();
    }
}
