using GatoMesh.Model.Engine;
using GatoMesh.Torch;

namespace GatoMesh.Model.Tests.Engine;

/// <summary>
/// A seeded synthetic agent episode in the model's token space: a prompt, then timesteps of
/// observation tokens (text/discrete/continuous ids, optionally image patches, separator last) and
/// the actions the engine picked for them. Knows the whole token sequence, for full recomputes.
/// </summary>
internal sealed class Episode
{
    private readonly GatoConfig config;
    private readonly Random random;
    private readonly bool images;
    private readonly bool continuous;

    /// <param name="continuous">Mark the action ranges <see cref="TokenRange.Continuous"/>, so the engine
    /// decodes them as expected values; without it they are plain id ranges, chosen token by token.</param>
    public Episode(GatoConfig config, int seed, int promptTokens, bool images = false, bool continuous = false)
    {
        this.config = config;
        random = new Random(seed);
        this.images = images;
        this.continuous = continuous;
        Prompt = promptTokens == 0 ? TokenBatchInputs.Text([], []) : Observation(promptTokens - 1);
    }

    public TokenBatchInputs Prompt { get; }
    public List<CompletedTimestep> Timesteps { get; } = [];

    /// <summary>Continuous actions: two tokens, each a bin of [V, V + 1024).</summary>
    public IReadOnlyList<TokenRange> ActionSpec =>
    [
        new(config.ContinuousBase, config.SeparatorId) { Continuous = continuous },
        new(config.ContinuousBase, config.SeparatorId) { Continuous = continuous },
    ];

    /// <summary><paramref name="tokens"/> observation tokens then the separator, local positions 0..n.</summary>
    public TokenBatchInputs Observation(int tokens)
    {
        var ids = new long[tokens + 1];
        var positions = new long[tokens + 1];
        var patches = images ? Math.Min(2, tokens) : 0;
        for (var i = 0; i < tokens; i++)
        {
            ids[i] = i < patches ? TokenBatchInputs.PatchId : random.Next(0, config.SeparatorId);
            positions[i] = i;
        }
        ids[tokens] = config.SeparatorId;
        positions[tokens] = tokens;
        var pixels = new float[patches * TokenBatchInputs.PatchPixels];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)(random.NextDouble() * 0.5 - 0.25);
        var rows = Enumerable.Range(0, patches).Select(_ => (long)random.Next(config.PatchBuckets)).ToArray();
        var cols = Enumerable.Range(0, patches).Select(_ => (long)random.Next(config.PatchBuckets)).ToArray();
        return new TokenBatchInputs(ids, positions, pixels, rows, cols);
    }

    public ActRequest Step(string id, TokenBatchInputs observation, bool withContext = false, SamplingParams? sampling = null) => new()
    {
        SequenceId = id,
        Timestep = Timesteps.Count,
        Observation = observation,
        ActionSpec = ActionSpec,
        Sampling = sampling ?? SamplingParams.Greedy,
        Context = withContext ? new SequenceContext(Prompt, [.. Timesteps]) : null,
    };

    public void Record(TokenBatchInputs observation, ActResult result) =>
        Timesteps.Add(new CompletedTimestep(observation, Assert.IsType<ActResult.Action>(result).Tokens));

    /// <summary>Prompt, then the given timesteps' observations and actions, then the open
    /// timestep's observation and first <paramref name="actions"/> action tokens.</summary>
    public TokenBatchInputs Sequence(IEnumerable<CompletedTimestep> window, TokenBatchInputs observation, IEnumerable<long> actions)
    {
        var parts = new List<TokenBatchInputs> { Prompt };
        foreach (var t in window) parts.Add(WithActions(t.Observation, t.Actions));
        parts.Add(WithActions(observation, [.. actions]));
        return new TokenBatchInputs(
            [.. parts.SelectMany(p => p.Ids)], [.. parts.SelectMany(p => p.LocalPositions)],
            [.. parts.SelectMany(p => p.Patches)], [.. parts.SelectMany(p => p.PatchRows)], [.. parts.SelectMany(p => p.PatchCols)]);
    }

    private TokenBatchInputs WithActions(TokenBatchInputs o, long[] actions) => new(
        [.. o.Ids, .. actions], [.. o.LocalPositions, .. actions.Select(_ => (long)config.LocalPositions - 1)], o.Patches, o.PatchRows, o.PatchCols);

    /// <summary>Logits of the next token after the whole of <paramref name="sequence"/>, by a full
    /// causal forward pass (no cache), sliced to <paramref name="range"/> from the full vocabulary.</summary>
    public static float[] ReferenceLogits(GatoModel model, TokenBatchInputs sequence, TokenRange range)
    {
        using var scope = DisposeScope.Begin();
        using var noGrad = new NoGradScope();
        var hidden = model.Forward(ModelInput.Single(sequence));          // [1, T, width]
        var last = hidden.Narrow(1, sequence.Count - 1, 1);
        var full = model.Logits(last).View(-1);                             // every id
        return full.Narrow(0, range.Lo, range.Count).ToArray<float>();
    }
}
