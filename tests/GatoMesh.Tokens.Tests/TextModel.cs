namespace GatoMesh.Tokens.Tests;

/// <summary>A small SentencePiece model (V = 64) trained once per test run through our own binding,
/// on a generated corpus of robot instructions.</summary>
public sealed class TextModel : IDisposable
{
    public const int VocabSize = 64;
    static readonly string[] Colors = ["red", "blue", "green", "yellow", "purple", "orange", "black", "white"];
    static readonly string[] Objects = ["block", "ball", "cube", "cup", "box", "plate", "stick", "ring"];
    static readonly string[] Verbs = ["stack", "push", "pick", "place", "lift", "drop", "move", "grab"];
    static readonly string[] Places = ["on", "under", "near", "behind", "beside", "into"];

    public TextModel()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"gatomesh-tokens-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        CorpusPath = Path.Combine(Directory, "corpus.txt");
        var random = new SeededRandom(1);
        string Pick(string[] words) => words[random.NextInt(words.Length)];
        File.WriteAllLines(CorpusPath, Enumerable.Range(0, 300).Select(_ =>
            $"{Pick(Verbs)} the {Pick(Colors)} {Pick(Objects)} {Pick(Places)} the {Pick(Colors)} {Pick(Objects)}"));
        ModelPath = SentencePieceTrainer.Train(CorpusPath, VocabSize, Path.Combine(Directory, "model"));
        Tokenizer = SentencePieceTokenizer.Load(ModelPath);
    }

    public string Directory { get; }
    public string CorpusPath { get; }
    public string ModelPath { get; }
    public SentencePieceTokenizer Tokenizer { get; }

    public void Dispose()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class TextModelCollection : ICollectionFixture<TextModel>
{
    public const string Name = "text model";
}
