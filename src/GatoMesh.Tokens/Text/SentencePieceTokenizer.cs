using MlTokenizer = Microsoft.ML.Tokenizers.SentencePieceTokenizer;

namespace GatoMesh.Tokens;

/// <summary>
/// Text to ids <c>[0, V)</c> with a SentencePiece model (the tokenizer Gato used; paper section 2.1), through
/// Microsoft.ML.Tokenizers' <c>SentencePieceTokenizer</c>, which reads the model file (BPE or unigram) and gives
/// the ids SentencePiece's own <c>spm_encode</c> gives (tested over every corpus the data generator writes).
/// No beginning- or end-of-sentence ids are added: a text field is a span of an observation, not a sentence of
/// its own. V is the model's vocabulary size. Safe to share between threads.
/// </summary>
public sealed class SentencePieceTokenizer
{
    readonly MlTokenizer tokenizer;

    SentencePieceTokenizer(MlTokenizer tokenizer, string modelPath)
    {
        this.tokenizer = tokenizer;
        ModelPath = modelPath;
        VocabSize = tokenizer.Vocabulary.Count;
    }

    /// <summary>Loads a <c>.model</c> file written by <see cref="SentencePieceTrainer"/> (spm_train).</summary>
    public static SentencePieceTokenizer Load(string modelPath)
    {
        try
        {
            using var stream = File.OpenRead(modelPath);
            return new SentencePieceTokenizer(MlTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false), modelPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new SentencePieceException($"cannot load '{modelPath}': {e.Message}");
        }
    }

    public string ModelPath { get; }

    /// <summary>V: the model's pieces, so its ids are <c>[0, V)</c>.</summary>
    public int VocabSize { get; }

    /// <summary>The ids of <paramref name="text"/>.</summary>
    public IReadOnlyList<int> Encode(string text) => tokenizer.EncodeToIds(text);

    /// <summary>The text of <paramref name="ids"/>; an id outside <c>[0, V)</c> is an error naming it.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        for (var i = 0; i < ids.Length; i++)
            if (ids[i] < 0 || ids[i] >= VocabSize)
                throw new SentencePieceException($"id {ids[i]} at index {i} is outside the vocabulary [0, {VocabSize})");
        return tokenizer.Decode(ids.ToArray()) ?? "";
    }
}

/// <summary>A failure of SentencePiece (an unreadable model, a trainer that refused its corpus), with the
/// library's or the trainer's own message.</summary>
public sealed class SentencePieceException(string message) : Exception(message);
