using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// Captioning as a one-step task: the observation is a rendered scene of one to four objects (64x64 RGB,
/// <see cref="GridRenderer"/>, the captioned scenes' generator), the action <c>caption</c> the caption's
/// <see cref="CaptionWords"/> ids, one discrete token a word, <see cref="CaptionWords.MaxTokens"/> of them
/// (padded after the end with anything). The reward is the caption's token accuracy against the reference
/// (<see cref="CaptionWords.TokenAccuracy"/>), so the paper's normalization applies as to any task: the
/// reference scores 1, uniform random words about 1/13. The serving path decodes the caption as any action,
/// token by token within the words' range.
/// </summary>
public sealed class CaptionEnvironment : IEnvironment
{
    public const string ImageKey = "image";
    public const string CaptionKey = "caption";

    bool done = true;

    public EmbodimentSpec Spec { get; } = new("caption",
        [FieldSpec.Image(ImageKey, GridRenderer.Side, GridRenderer.Side)],
        [FieldSpec.Discrete(CaptionKey, [CaptionWords.MaxTokens], 0, CaptionWords.Count)]);

    public int MaxSteps => 1;

    /// <summary>The reference caption of the current scene, without its end.</summary>
    public IReadOnlyList<int> Reference { get; private set; } = [];

    public FieldValues Reset(ulong seed)
    {
        var room = CaptionedScenes.Scene(seed);
        Reference = CaptionWords.Of(room.Objects);
        done = false;
        return new FieldValues().SetImage(ImageKey, GridRenderer.Render(room, drawAgent: false));
    }

    public StepResult Step(ActionValues action)
    {
        if (done)
            throw new InvalidOperationException("the episode is over; call Reset");
        var words = action.GetDiscrete(CaptionKey);
        if (words.Length != CaptionWords.MaxTokens)
            throw new ShapeMismatchException(CaptionKey, $"{words.Length} elements", $"{CaptionWords.MaxTokens} elements");
        for (var i = 0; i < words.Length; i++)
            if (words[i] < 0 || words[i] >= CaptionWords.Count)
                throw new InvalidValueException($"{CaptionKey}[{i}]", words[i].ToString(), $"must lie in [0, {CaptionWords.Count})");
        done = true;
        return new StepResult(new FieldValues().SetImage(ImageKey, new byte[GridRenderer.Side * GridRenderer.Side * 3]),
            (float)CaptionWords.TokenAccuracy(words, Reference), true);
    }

    public void Dispose() { }
}

/// <summary>Says the reference caption, then ends (reads the scene the environment holds, as the grid world's
/// expert plans on its room).</summary>
public sealed class CaptionExpert(CaptionEnvironment environment) : IPolicy
{
    public void Reset(ulong seed) { }

    public ActionValues Act(FieldValues observation)
    {
        var words = new int[CaptionWords.MaxTokens];
        for (var i = 0; i < environment.Reference.Count; i++) words[i] = environment.Reference[i];
        return new ActionValues().SetDiscrete(CaptionEnvironment.CaptionKey, words);
    }
}
