namespace GatoMesh.Tokens;

/// <summary>
/// The layout of Gato's shared vocabulary (paper section 2.1; ARCHITECTURE.md, "Token space"):
/// text ids <c>[0, V)</c>, discrete values <c>[0, 1024)</c> (sharing ids with text, as in the paper),
/// continuous bins <c>[V, V + 1024)</c>, and one separator <c>V + 1024</c>. The model's output layer
/// has <see cref="VocabularySize"/> = V + 1025 logits.
/// </summary>
public sealed class TokenSpace
{
    /// <summary>Number of discrete values and of continuous bins (paper: 1024).</summary>
    public const int BinCount = 1024;

    /// <summary>Entries of the learned local observation position table.</summary>
    public const int LocalPositionCount = 512;

    /// <summary>The local position every action token shares: the table's last entry, reserved, so an
    /// observation (with its separator) may use indices <c>[0, 511)</c>.</summary>
    public const int ActionLocalPosition = LocalPositionCount - 1;

    /// <summary>Most tokens an observation may have, its separator included.</summary>
    public const int MaxObservationTokens = ActionLocalPosition;

    /// <summary>The paper presets' text vocabulary.</summary>
    public const int DefaultTextVocabSize = 32000;

    public TokenSpace(int textVocabSize = DefaultTextVocabSize)
    {
        if (textVocabSize < 1)
            throw new InvalidValueException("text_vocab_size", textVocabSize.ToString(), "must be at least 1");
        TextVocabSize = textVocabSize;
    }

    /// <summary>V: text ids are <c>[0, V)</c>.</summary>
    public int TextVocabSize { get; }

    /// <summary>The first continuous bin's id, V.</summary>
    public int ContinuousOffset => TextVocabSize;

    /// <summary>The id that ends every timestep's observation, V + 1024.</summary>
    public int Separator => TextVocabSize + BinCount;

    /// <summary>All ids the model can emit: V + 1025.</summary>
    public int VocabularySize => TextVocabSize + BinCount + 1;
}
