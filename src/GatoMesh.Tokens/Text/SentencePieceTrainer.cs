namespace GatoMesh.Tokens;

/// <summary>
/// Trains a SentencePiece model from a text corpus (one sentence per line) with the library's own
/// trainer, in process. Writes <c>DIR/text.model</c> and <c>DIR/text.vocab</c>.
/// </summary>
public static class SentencePieceTrainer
{
    /// <summary>The file name of the model inside the output folder.</summary>
    public const string ModelFileName = "text.model";

    /// <summary>Trains and returns the path of the model. <paramref name="modelType"/> is unigram (the
    /// library's default), bpe, char or word. The trainer fails when the corpus cannot fill the
    /// vocabulary: V must be exactly what was asked, since it fixes the continuous ids' offset.</summary>
    public static string Train(string corpusPath, int vocabSize, string outputDirectory, string modelType = "unigram", uint seed = 0)
    {
        if (!File.Exists(corpusPath))
            throw new InvalidValueException("corpus", corpusPath, "file not found");
        if (vocabSize < 4)
            throw new InvalidValueException("vocab", vocabSize.ToString(), "must be at least 4 (unk, bos, eos and one piece)");
        if (modelType is not ("unigram" or "bpe" or "char" or "word"))
            throw new InvalidValueException("model_type", modelType, "must be unigram, bpe, char or word");
        foreach (var (name, value) in new[] { ("corpus", corpusPath), ("out", outputDirectory) })
            if (value.Contains(' ') || value.Contains('='))
                throw new InvalidValueException(name, value, "the trainer's flag syntax cannot carry spaces or '='");
        Directory.CreateDirectory(outputDirectory);
        var prefix = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(ModelFileName));
        // SentencePiece samples sentences for large corpora; the seed makes the model reproducible.
        var args = $"--input={corpusPath} --model_prefix={prefix} --vocab_size={vocabSize} --model_type={modelType} " +
                   "--num_threads=1 --minloglevel=1";
        if (SentencePieceNative.Train(args, seed) != 0)
            throw new SentencePieceException($"training failed: {SentencePieceNative.LastError}");
        return prefix + ".model";
    }
}
