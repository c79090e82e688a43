namespace GatoMesh.Model.Engine;

/// <summary>
/// A run of tokens a sequence still has to put through the model: the prompt, a past timestep being
/// recomputed, the new observation, or one fed-back action token. Consumed front to back in chunks.
/// </summary>
internal sealed class Segment
{
    public required TokenBatchInputs Tokens { get; init; }

    /// <summary>Tokens already appended to the cache.</summary>
    public int Offset { get; set; }

    public int Length => Tokens.Ids.Length;
    public int Remaining => Length - Offset;

    /// <summary>Tokens of the prompt region (pinned; appended before any timestep).</summary>
    public bool IsPrompt { get; init; }

    /// <summary>When set, this segment starts a timestep that will hold this many tokens in all:
    /// the window is made room for before its first token (oldest whole timesteps dropped).</summary>
    public int? TimestepTokens { get; init; }

    /// <summary>The timestep is whole after this segment's last token.</summary>
    public bool ClosesTimestep { get; init; }

    /// <summary>After the last token, sample action token <see cref="SampleAction"/> (-1: none).</summary>
    public int SampleAction { get; init; } = -1;

    /// <summary>A single fed-back action token: scheduled before prefill work.</summary>
    public bool IsDecode => Length == 1 && !IsPrompt && TimestepTokens is null;

    /// <summary>Index of the patch taken by the first -1 id at or after token <paramref name="offset"/>.</summary>
    public int PatchIndexAt(int offset)
    {
        var k = 0;
        for (var i = 0; i < offset; i++)
            if (Tokens.Ids[i] < 0) k++;
        return k;
    }
}
