namespace GatoMesh.Tokens;

/// <summary>What went into one training sequence.</summary>
/// <param name="ValidCount">Tokens before the padding.</param>
/// <param name="Episode">Index of the episode learned from.</param>
/// <param name="FirstStep">Its first timestep in the sequence.</param>
/// <param name="Steps">Its timesteps in the sequence.</param>
/// <param name="PromptEpisode">Index of the prompt's episode, -1 without a prompt.</param>
/// <param name="PromptFromEnd">Whether the prompt was taken from its episode's end.</param>
/// <param name="PromptTokens">Tokens of the prompt (loss 0), at the start of the sequence.</param>
/// <param name="Windows">Independent windows packed in the sequence (<see cref="SequenceOptions.History"/>);
/// Episode, FirstStep and Steps describe the first.</param>
public readonly record struct SequenceInfo(int ValidCount, int Episode, int FirstStep, int Steps,
    int PromptEpisode, bool PromptFromEnd, int PromptTokens, int Windows = 1);

/// <summary>
/// Cuts episodes into fixed-length training sequences (paper section 2.3): sequence i, from
/// <see cref="SequenceOptions.Seed"/> and i alone, picks an episode uniformly and a start step
/// uniformly, and fills L tokens with whole timesteps from there. With probability 25% it first
/// puts a prompt from another episode of the same task: half the time that episode's last
/// timesteps, half the time consecutive timesteps from a uniform start, at most
/// <see cref="SequenceOptions.PromptTokens"/> tokens. A prompt conditions and is not learned: its
/// loss bits are 0. A task with a single episode gets no prompt. What does not fill L is padding:
/// id 0, local position 0, loss 0, after the valid tokens, so causal attention never sees it.
/// Patch positions are sampled inside their intervals from the sequence's generator.
/// With <see cref="SequenceOptions.History"/> K &gt; 0 the sequence instead packs windows of at most K
/// timesteps, each from its own uniform episode and start, until the next window's first timestep does
/// not fit; each window is a segment of the buffer (<see cref="TokenBuffer.SegmentStarts"/>) and takes a
/// prompt of its own with the prompt probability.
/// </summary>
public sealed class SequenceBuilder
{
    readonly IReadOnlyList<Episode> episodes;
    readonly Dictionary<string, int[]> episodesByTask = new(StringComparer.Ordinal);
    readonly TokenBuffer scratch = new();

    public SequenceBuilder(IReadOnlyList<Episode> episodes, SequenceOptions? options = null)
    {
        Options = options ?? new SequenceOptions();
        if (Options.Length < 2)
            throw new InvalidValueException("length", Options.Length.ToString(), "a sequence needs at least 2 tokens");
        if (Options.PromptTokens < 0 || Options.PromptTokens >= Options.Length)
            throw new InvalidValueException("prompt_tokens", Options.PromptTokens.ToString(), $"must lie in [0, {Options.Length})");
        if (Options.History < 0)
            throw new InvalidValueException("history", Options.History.ToString(), "must be 0 (no limit) or a number of timesteps");
        if (episodes.Count == 0)
            throw new InvalidValueException("episodes", "0", "need at least one episode");
        for (var i = 0; i < episodes.Count; i++)
            if (episodes[i].Steps.Count == 0)
                throw new InvalidValueException($"episodes[{i}]", "0 steps", "an episode needs at least one timestep");
        this.episodes = episodes;
        foreach (var group in episodes.Select((e, i) => (e.Task, i)).GroupBy(x => x.Task))
            episodesByTask[group.Key] = group.Select(x => x.i).ToArray();
    }

    public SequenceOptions Options { get; }

    /// <summary>Writes sequence <paramref name="index"/> into <paramref name="sequence"/> (cleared
    /// first; exactly L tokens afterwards).</summary>
    public SequenceInfo Build(long index, TokenBuffer sequence)
    {
        var random = SeededRandom.For(Options.Seed, index);
        var positions = PatchPositions.Training(random);
        if (Options.History > 0)
            return BuildPacked(random, positions, sequence);
        var episode = random.NextInt(episodes.Count);
        var steps = episodes[episode].Steps;
        var first = random.NextInt(steps.Count);
        var wantsPrompt = random.NextDouble() < Options.PromptProbability;
        var fromEnd = random.NextDouble() < Options.PromptFromEndProbability;
        var promptEpisode = wantsPrompt ? Sibling(episode, random) : -1;

        sequence.Clear();
        var firstTokens = StepTokens(episodes[episode], first, positions);
        if (firstTokens > Options.Length)
            throw new TokenBudgetException($"episodes[{episode}].steps[{first}]", $"{firstTokens} tokens", $"a timestep longer than the sequence length {Options.Length}");

        var promptTokens = 0;
        if (promptEpisode >= 0)
        {
            var budget = Math.Min(Options.PromptTokens, Options.Length - firstTokens);
            promptTokens = AppendPrompt(episodes[promptEpisode], fromEnd, budget, random, positions, sequence);
            sequence.MaskFrom(0);
            if (promptTokens == 0)
                promptEpisode = -1;
        }

        var count = 0;
        for (var step = first; step < steps.Count; step++)
        {
            scratch.Clear();
            episodes[episode].Encoder.Encode(steps[step].Observation, steps[step].Action, scratch, positions);
            if (sequence.Count + scratch.Count > Options.Length)
                break;
            sequence.Append(scratch);
            count++;
        }
        var valid = sequence.Count;
        while (sequence.Count < Options.Length)
            sequence.Add(0, 0, loss: false);
        return new SequenceInfo(valid, episode, first, count, promptEpisode, promptEpisode >= 0 && fromEnd, promptTokens);
    }

    /// <summary>Windows of at most K timesteps packed until the next does not fit. With a prompt probability, each
    /// window is first given a prompt of its own with that probability (the paper's conditioning, per window:
    /// another episode of the same task, from its end half the time, at most <see cref="SequenceOptions.PromptTokens"/>
    /// tokens, loss 0), inside the window's segment, so the window attends to its prompt as a served session with a
    /// prompt and a K-timestep window does. No draws are spent on prompts at probability 0.</summary>
    SequenceInfo BuildPacked(SeededRandom random, PatchPositions positions, TokenBuffer sequence)
    {
        sequence.Clear();
        SequenceInfo first = default;
        var windows = 0;
        while (true)
        {
            var episode = random.NextInt(episodes.Count);
            var steps = episodes[episode].Steps;
            var start = random.NextInt(steps.Count);
            var promptEpisode = Options.PromptProbability > 0 && random.NextDouble() < Options.PromptProbability ? Sibling(episode, random) : -1;
            var fromEnd = promptEpisode >= 0 && random.NextDouble() < Options.PromptFromEndProbability;
            var count = 0;
            var promptTokens = 0;
            for (var step = start; step < steps.Count && count < Options.History; step++)
            {
                scratch.Clear();
                episodes[episode].Encoder.Encode(steps[step].Observation, steps[step].Action, scratch, positions);
                if (sequence.Count + scratch.Count > Options.Length)
                    break;
                if (count == 0)
                {
                    sequence.StartSegment();
                    if (promptEpisode >= 0)
                    {
                        var budget = Math.Min(Options.PromptTokens, Options.Length - sequence.Count - scratch.Count);
                        var before = sequence.Count;
                        promptTokens = AppendPrompt(episodes[promptEpisode], fromEnd, budget, random, positions, sequence) - before;
                        sequence.MaskFrom(before);
                        // The prompt's step counts reused the scratch buffer: encode the window's first timestep again.
                        scratch.Clear();
                        episodes[episode].Encoder.Encode(steps[step].Observation, steps[step].Action, scratch, positions);
                    }
                }
                sequence.Append(scratch);
                count++;
            }
            if (count == 0)
            {
                if (windows == 0)
                    throw new TokenBudgetException($"episodes[{episode}].steps[{start}]", $"{scratch.Count} tokens", $"a timestep longer than the sequence length {Options.Length}");
                break;
            }
            if (windows++ == 0)
                first = new SequenceInfo(0, episode, start, count, promptTokens > 0 ? promptEpisode : -1, promptTokens > 0 && fromEnd, promptTokens);
        }
        var valid = sequence.Count;
        while (sequence.Count < Options.Length)
            sequence.Add(0, 0, loss: false);
        return first with { ValidCount = valid, Windows = windows };
    }

    /// <summary>Another episode of <paramref name="episode"/>'s task, uniformly; -1 when the task has no other.</summary>
    int Sibling(int episode, SeededRandom random)
    {
        var siblings = episodesByTask[episodes[episode].Task];
        if (siblings.Length < 2) return -1;
        var pick = random.NextInt(siblings.Length - 1);
        return siblings[pick >= Array.IndexOf(siblings, episode) ? pick + 1 : pick];
    }

    int AppendPrompt(Episode prompt, bool fromEnd, int budget, SeededRandom random, PatchPositions positions, TokenBuffer sequence)
    {
        var steps = prompt.Steps;
        int start, end;
        if (fromEnd)
        {
            // Walk back from the last step while the steps fit the budget.
            end = steps.Count;
            start = end;
            var used = 0;
            while (start > 0)
            {
                var tokens = StepTokens(prompt, start - 1, positions);
                if (used + tokens > budget)
                    break;
                used += tokens;
                start--;
            }
        }
        else
        {
            start = random.NextInt(steps.Count);
            end = start;
            var used = 0;
            while (end < steps.Count)
            {
                var tokens = StepTokens(prompt, end, positions);
                if (used + tokens > budget)
                    break;
                used += tokens;
                end++;
            }
        }
        for (var step = start; step < end; step++)
            prompt.Encoder.Encode(steps[step].Observation, steps[step].Action, sequence, positions);
        return sequence.Count;
    }

    int StepTokens(Episode episode, int step, PatchPositions positions)
    {
        scratch.Clear();
        episode.Encoder.Encode(episode.Steps[step].Observation, episode.Steps[step].Action, scratch, positions);
        return scratch.Count;
    }
}
