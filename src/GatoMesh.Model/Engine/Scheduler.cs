using GatoMesh.Model.Kv;

namespace GatoMesh.Model.Engine;

/// <summary>
/// The engine's sequence table and iteration planner (vLLM's scheduler + block manager split):
/// admits requests, decides each iteration's batch — every ready decode token first, then prefill
/// chunks in arrival order up to the token budget — reserves KV slots (evicting the least recently
/// used sequence that is not in the batch when the pool is full), slides context windows, and turns
/// sampled logits into fed-back tokens or finished actions. No torch: the model runner executes
/// the plans. Owned by the engine thread.
/// </summary>
internal sealed class Scheduler
{
    private readonly GatoConfig config;
    private readonly EngineOptions options;
    private readonly int window;
    private readonly EngineCounters counters;
    private readonly Dictionary<string, EngineSequence> sequences = [];
    /// <summary>Sequences with work, in <see cref="EngineSequence.ReadySince"/> order (first come, first planned).</summary>
    private readonly LinkedList<EngineSequence> ready = new();
    private readonly List<EngineSequence> snapshot = [];
    private readonly BatchPlan plan = new();
    private long iteration;
    private long readyClock;
    private long admissionClock;

    public Scheduler(GatoConfig config, EngineOptions options, EngineCounters counters)
    {
        this.config = config;
        this.options = options;
        this.counters = counters;
        window = options.Window(config);
        Allocator = new KvBlockAllocator(options.Blocks(config), options.BlockSize);
        counters.TotalBlocks = Allocator.TotalBlocks;
    }

    public KvBlockAllocator Allocator { get; }

    /// <summary>Which weights answer: 0 for the engine's first model, +1 per swap. Every answer carries it.</summary>
    public long ModelGeneration { get; set; }
    public int Window => window;
    public bool HasWork => ready.Count > 0;
    public IReadOnlyDictionary<string, EngineSequence> Sequences => sequences;

    /// <summary>Local position every action token takes (TOKENS.md: the table's last entry, 511).</summary>
    private long ActionPosition => config.LocalPositions - 1;

    /// <summary>
    /// Takes a request onto its sequence. Answers at once (through the request's task) when the
    /// engine does not hold the sequence at the caller's timestep or the request is refused.
    /// </summary>
    public void Admit(PendingAct act)
    {
        var request = act.Request;
        sequences.TryGetValue(request.SequenceId, out var sequence);
        if (sequence?.InFlight is not null)
        {
            Refuse(act, new InvalidActRequestException(nameof(request.SequenceId), request.SequenceId,
                "a request for this sequence is already in progress"));
            return;
        }
        var actions = request.ActionSpec.Count;
        if (request.Context is { } context)
        {
            if (sequence is not null) Remove(sequence);
            var kept = LimitHistory(options.ExactSlidingWindow
                ? KeptTimesteps(context, request.Observation.Ids.Length + actions)
                : context.Timesteps);
            sequence = new EngineSequence(request.SequenceId, new SequenceCache(Allocator))
            {
                NextTimestep = request.Timestep,
                OldestTimestep = request.Timestep - kept.Count,
            };
            if (context.Prompt.Ids.Length > 0)
                sequence.Segments.AddLast(new Segment { Tokens = context.Prompt, IsPrompt = true });
            foreach (var past in kept)
            {
                var tokens = Join(past.Observation, past.Actions);
                sequence.Segments.AddLast(new Segment { Tokens = tokens, TimestepTokens = tokens.Ids.Length, ClosesTimestep = true });
            }
            sequences.Add(sequence.Id, sequence);
        }
        else if (sequence is null)
        {
            Miss(act, CacheMissReason.Unknown);
            return;
        }
        else if (sequence.NextTimestep != request.Timestep)
        {
            Miss(act, CacheMissReason.TimestepMismatch);
            return;
        }
        var promptTokens = request.Context?.Prompt.Ids.Length ?? sequence.Cache.PromptTokens;
        var stepTokens = request.Observation.Ids.Length + actions;
        if (promptTokens + stepTokens > window)
        {
            if (request.Context is not null) Remove(sequence);
            Refuse(act, new InvalidActRequestException(nameof(request.Observation), request.Observation.Ids.Length,
                $"the prompt ({promptTokens} tokens), the observation and {actions} action tokens exceed the context window of {window}"));
            return;
        }
        sequence.Segments.AddLast(new Segment { Tokens = request.Observation, TimestepTokens = stepTokens, SampleAction = 0 });
        sequence.InFlight = act;
        sequence.AdmittedAt = ++admissionClock;
        sequence.LastUsed = iteration;
        if (sequence.Segments.Count == 1 || request.Context is not null) MarkReady(sequence);
        counters.Sequences = sequences.Count;
    }

    /// <summary>
    /// Plans the next iteration; empty when no sequence has work that fits. Every decode token first (one
    /// token each, so a decode never waits behind prefill), then prefill chunks in arrival order while the
    /// plan holds fewer than <paramref name="tokenBudget"/> tokens (at most <see cref="EngineOptions.TokenBudget"/>).
    /// The plan and its chunks are reused: valid until the next call.
    /// </summary>
    public BatchPlan Schedule(int? tokenBudget = null)
    {
        iteration++;
        plan.Clear();
        var budget = Math.Min(tokenBudget ?? options.TokenBudget, options.TokenBudget);
        // The ready list is in ReadySince order; a snapshot, because planning may evict sequences.
        snapshot.Clear();
        snapshot.AddRange(ready);
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var sequence in snapshot)
            {
                if (plan.Chunks.Count == options.MaxSequences) break;
                if (sequence.Removed || sequence.PlannedIn == iteration || sequence.Segments.First is not { } first) continue;
                var decode = first.Value.IsDecode;
                if (decode != (pass == 0)) continue;
                var room = options.TokenBudget - plan.Tokens;
                var take = decode ? Math.Max(1, budget - plan.Tokens) : budget - plan.Tokens;
                if (take <= 0 || room <= 0) { if (decode) continue; break; }
                sequence.PlannedIn = iteration;
                var chunk = PlanChunk(sequence, Math.Min(take, room));
                if (chunk is null)
                {
                    sequence.PlannedIn = 0;
                    continue;
                }
                sequence.LastUsed = iteration;
                plan.Add(chunk);
                if (sequence.Segments.Count == 0) Unready(sequence);
            }
        }
        counters.UsedBlocks = Allocator.UsedBlocks;
        counters.Sequences = sequences.Count;
        if (plan.IsEmpty && ready.Count > 0)
        {
            // Every other sequence was evictable for the oldest request (none is in the batch, the
            // rest are idle or younger), yet it does not fit: it never will.
            // (Sequences answered WindowSlid in this plan are gone and not stuck.)
            if (ready.OrderBy(s => s.InFlight is null ? 1 : 0).ThenBy(s => s.AdmittedAt).FirstOrDefault() is { } stuck)
                Fail(stuck, new InvalidOperationException($"sequence '{stuck.Id}' does not fit in the KV pool of {Allocator.TotalBlocks} blocks"));
        }
        return plan;
    }

    private PlannedChunk? PlanChunk(EngineSequence sequence, int budget)
    {
        var chunk = plan.Rent(sequence);
        chunk.IsDecode = sequence.Segments.First!.Value.IsDecode;
        while (budget > 0 && sequence.Segments.First is { } node)
        {
            var segment = node.Value;
            if (segment.Offset == 0 && segment.TimestepTokens is { } stepTokens
                && (sequence.Cache.Tokens + stepTokens > window || HistoryFull(sequence)))
            {
                // Dropping happens only at the start of a sequence's chunk, so every token attends
                // over the same live slots however the work is split into iterations.
                if (chunk.Count > 0) break;
                if (options.ExactSlidingWindow && sequence.Cache.TimestepLengths.Count > 0)
                {
                    // Recompute instead: the caller resends its context, trimmed to the window at admission.
                    plan.Return(chunk);
                    Remove(sequence, CacheMissReason.WindowSlid);
                    return null;
                }
                while ((sequence.Cache.Tokens + stepTokens > window || HistoryFull(sequence)) && sequence.Cache.TimestepLengths.Count > 0)
                {
                    sequence.Cache.DropOldestTimestep();
                    sequence.OldestTimestep++;
                }
            }
            var take = Math.Min(segment.Remaining, budget);
            if (!Reserve(sequence, segment.IsPrompt, take, chunk.NewSlots)) break;
            chunk.Pieces.Add((segment, segment.Offset, take));
            segment.Offset += take;
            budget -= take;
            if (segment.Remaining > 0) break;
            sequence.Segments.RemoveFirst();
            if (segment.ClosesTimestep) sequence.Cache.EndTimestep();
            if (segment.SampleAction >= 0)
            {
                chunk.SampleAction = segment.SampleAction;
                chunk.SampleRange = sequence.InFlight!.Request.ActionSpec[segment.SampleAction];
                break; // what follows depends on the sampled token
            }
        }
        if (chunk.Count == 0)
        {
            plan.Return(chunk);
            return null;
        }
        chunk.Keys = sequence.Cache.Tokens;
        chunk.RunStart = plan.KeyRuns.Count / 2;
        sequence.Cache.LiveRuns(plan.KeyRuns);
        chunk.RunCount = plan.KeyRuns.Count / 2 - chunk.RunStart;
        return chunk;
    }

    /// <summary>Reserves slots, evicting sequences outside the plan while the pool is short: idle ones
    /// first, least recently used first; then requests in progress that were admitted after this
    /// one, youngest first (vLLM's preemption order). An older request is never evicted for a younger
    /// one, so sequences cannot keep evicting each other: the oldest request always fits eventually
    /// (one window always fits the pool), and a younger one waits. False when nothing more can be evicted.</summary>
    private bool Reserve(EngineSequence sequence, bool prompt, int tokens, List<long> slots)
    {
        while (!(prompt ? sequence.Cache.TryAppendPrompt(tokens, slots) : sequence.Cache.TryAppend(tokens, slots)))
        {
            var victim = sequences.Values
                .Where(s => s.PlannedIn != iteration && s.Cache.Blocks > 0 && (s.InFlight is null || s.AdmittedAt > sequence.AdmittedAt))
                .OrderBy(s => s.InFlight is null ? 0 : 1).ThenBy(s => s.InFlight is null ? s.LastUsed : -s.AdmittedAt).FirstOrDefault();
            if (victim is null) return false;
            counters.Evictions++;
            Remove(victim, CacheMissReason.Evicted);
        }
        return true;
    }

    /// <summary>Applies the sampled tokens of the plan's sampling chunks (<paramref name="tokens"/>, in plan
    /// order): feeds each token back, or finishes the action.</summary>
    public void ApplySamples(BatchPlan plan, ReadOnlySpan<long> tokens)
    {
        var k = 0;
        foreach (var chunk in plan.Chunks)
        {
            if (chunk.IsDecode) counters.DecodeTokens += chunk.Count;
            else counters.PrefillTokens += chunk.Count;
            if (chunk.SampleAction < 0) continue;
            var token = tokens[k++];
            var sequence = chunk.Sequence;
            var act = sequence.InFlight!;
            var index = chunk.SampleAction;
            act.Actions[index] = token;
            var last = index == act.Actions.Length - 1;
            // The last action token's keys are written in a later iteration, after the answer is
            // out: the agent's next observation is on its way meanwhile.
            sequence.Segments.AddFirst(new Segment
            {
                Tokens = Single(token),
                SampleAction = last ? -1 : index + 1,
                ClosesTimestep = last,
            });
            MarkReady(sequence);
            if (!last) continue;
            sequence.InFlight = null;
            sequence.NextTimestep = act.Request.Timestep + 1;
            act.Cancellation.Dispose();
            counters.ActionsCompleted++;
            act.Completion.TrySetResult(new ActResult.Action([.. act.Actions], sequence.OldestTimestep) { ModelGeneration = ModelGeneration });
        }
        counters.Iterations++;
        counters.LastBatchTokens = plan.Tokens;
        counters.LastBatchSequences = plan.Chunks.Count;
        counters.BatchedSequences += plan.Chunks.Count;
        counters.UsedBlocks = Allocator.UsedBlocks;
    }

    /// <summary>Puts the sequence at the end of the ready list (it has new work, or its work changed kind).</summary>
    private void MarkReady(EngineSequence sequence)
    {
        sequence.ReadySince = ++readyClock;
        if (sequence.ReadyNode.List is not null) ready.Remove(sequence.ReadyNode);
        ready.AddLast(sequence.ReadyNode);
    }

    private void Unready(EngineSequence sequence)
    {
        if (sequence.ReadyNode.List is not null) ready.Remove(sequence.ReadyNode);
    }

    /// <summary>Drops the sequence and its blocks; its request in progress (if any) gets a cache miss.</summary>
    public void Release(string sequenceId)
    {
        if (sequences.TryGetValue(sequenceId, out var sequence)) Remove(sequence, CacheMissReason.Evicted);
    }

    /// <summary>Drops every sequence (a model swap invalidates every cached key and value).</summary>
    public void ReleaseAll()
    {
        foreach (var sequence in sequences.Values.ToList()) Remove(sequence, CacheMissReason.Evicted);
    }

    /// <summary>Cancels the sequence's request if it is still <paramref name="act"/>; the sequence is
    /// dropped (its cache may hold a half-appended timestep).</summary>
    public void Cancel(string sequenceId, PendingAct act)
    {
        if (!sequences.TryGetValue(sequenceId, out var sequence) || sequence.InFlight != act) return;
        sequence.InFlight = null;
        Remove(sequence);
        act.Completion.TrySetCanceled();
    }

    /// <summary>The forward pass failed: every sequence in it is dropped and its request faulted.</summary>
    public void Fail(BatchPlan plan, Exception error)
    {
        foreach (var chunk in plan.Chunks) Fail(chunk.Sequence, error);
    }

    private void Fail(EngineSequence sequence, Exception error)
    {
        var act = sequence.InFlight;
        sequence.InFlight = null;
        Remove(sequence);
        if (act is null) return;
        counters.Failures++;
        act.Cancellation.Dispose();
        act.Completion.TrySetException(error);
    }

    /// <summary>Whether the sequence's cached timesteps leave no room for another under
    /// <see cref="EngineOptions.WindowTimesteps"/>.</summary>
    private bool HistoryFull(EngineSequence sequence) =>
        options.WindowTimesteps is { } most && sequence.Cache.TimestepLengths.Count >= most;

    /// <summary>The newest completed timesteps that leave room for the current one under
    /// <see cref="EngineOptions.WindowTimesteps"/>.</summary>
    private IReadOnlyList<CompletedTimestep> LimitHistory(IReadOnlyList<CompletedTimestep> timesteps) =>
        options.WindowTimesteps is { } most && timesteps.Count > most - 1 ? [.. timesteps.Skip(timesteps.Count - (most - 1))] : timesteps;

    /// <summary>The newest whole timesteps of <paramref name="context"/> that fit the window beside the
    /// prompt and the new step (exact sliding: the dropped ones are never computed).</summary>
    private IReadOnlyList<CompletedTimestep> KeptTimesteps(SequenceContext context, int stepTokens)
    {
        var tokens = context.Prompt.Ids.Length + stepTokens + context.Timesteps.Sum(t => t.Observation.Ids.Length + t.Actions.Length);
        var skip = 0;
        while (skip < context.Timesteps.Count && tokens > window)
        {
            tokens -= context.Timesteps[skip].Observation.Ids.Length + context.Timesteps[skip].Actions.Length;
            skip++;
        }
        return skip == 0 ? context.Timesteps : [.. context.Timesteps.Skip(skip)];
    }

    private void Remove(EngineSequence sequence, CacheMissReason? missReason = null)
    {
        sequence.Cache.Release();
        sequences.Remove(sequence.Id);
        sequence.Removed = true;
        Unready(sequence);
        counters.Sequences = sequences.Count;
        counters.UsedBlocks = Allocator.UsedBlocks;
        if (sequence.InFlight is { } act && missReason is { } reason)
        {
            sequence.InFlight = null;
            Miss(act, reason);
        }
    }

    private void Miss(PendingAct act, CacheMissReason reason)
    {
        counters.CacheMisses++;
        act.Cancellation.Dispose();
        act.Completion.TrySetResult(new ActResult.CacheMiss(act.Request.SequenceId, reason));
    }

    private void Refuse(PendingAct act, Exception error)
    {
        counters.Failures++;
        act.Cancellation.Dispose();
        act.Completion.TrySetException(error);
    }

    private TokenBatchInputs Single(long token) => new([token], [ActionPosition], [], [], []);

    private TokenBatchInputs Join(TokenBatchInputs observation, long[] actions) => new(
        [.. observation.Ids, .. actions],
        [.. observation.LocalPositions, .. Enumerable.Repeat(ActionPosition, actions.Length)],
        observation.Patches, observation.PatchRows, observation.PatchCols);
}
