using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

/// <summary>A SentencePiece model of the environments' text, trained once per test run through
/// the token space's trainer.</summary>
internal static class TextModel
{
    public const int VocabSize = 28;

    static readonly Lazy<SentencePieceTokenizer> Shared = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), $"gatomesh-envs-text-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var corpus = Path.Combine(directory, "corpus.txt");
        File.WriteAllLines(corpus, TextCorpus.Missions());
        var tokenizer = SentencePieceTokenizer.Load(SentencePieceTrainer.Train(corpus, VocabSize, directory));
        Directory.Delete(directory, recursive: true);
        return tokenizer;
    });

    public static SentencePieceTokenizer Tokenizer => Shared.Value;
}
