namespace GatoMesh.Tokens;

/// <summary>How training sequences are cut (paper section 2.3 and appendix; defaults are the paper's
/// where it gives them).</summary>
public sealed record SequenceOptions
{
    /// <summary>Tokens per sequence, L (paper: 1024).</summary>
    public int Length { get; init; } = 1024;

    /// <summary>Share of sequences that start with a prompt from another episode of the same task
    /// (paper: 25%).</summary>
    public double PromptProbability { get; init; } = 0.25;

    /// <summary>Share of prompts taken from their episode's end; the rest start at a uniform step
    /// (paper: half).</summary>
    public double PromptFromEndProbability { get; init; } = 0.5;

    /// <summary>Most tokens a prompt takes (whole timesteps). The paper does not give it; a quarter
    /// of L leaves most of the sequence to the episode being learned.</summary>
    public int PromptTokens { get; init; } = 256;

    /// <summary>Timesteps of history a window holds, 0 for no limit. 0 (the paper): a sequence is one
    /// window of consecutive whole timesteps from a uniform start, padded. K &gt; 0: a sequence packs as many
    /// independent windows of at most K consecutive timesteps (each from its own uniform episode and
    /// start) as fit L, each its own attention segment, so a model serving a K-timestep window trains on
    /// exactly what it will see. K = 1 for a Markov task: no past actions to copy (docs/TRAINING.md).
    /// Each window then takes a prompt with <see cref="PromptProbability"/>.</summary>
    public int History { get; init; }

    /// <summary>Seed of the whole stream: sequence i depends only on (seed, i).</summary>
    public ulong Seed { get; init; }
}
