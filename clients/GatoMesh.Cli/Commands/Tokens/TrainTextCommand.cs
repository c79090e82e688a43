using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Tokens;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh tokens train-text --corpus FILE --vocab N --out DIR [--model-type T]
/// [--seed S] [--json]</c>: trains the SentencePiece model whose ids are the text tokens [0, N).</summary>
internal static class TrainTextCommand
{
    public static Command Create()
    {
        var corpus = new Option<FileInfo>("--corpus") { Description = "text, one sentence per line", Required = true };
        var vocab = new Option<int>("--vocab") { Description = "vocabulary size V", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "folder for text.model and text.vocab", Required = true };
        var modelType = new Option<string>("--model-type") { Description = "unigram, bpe, char or word", DefaultValueFactory = _ => "unigram" };
        var seed = new Option<uint>("--seed") { Description = "seed of the trainer's sampling", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("train-text", "train a SentencePiece model from a corpus") { corpus, vocab, output, modelType, seed, json };
        command.SetAction(parse =>
        {
            Console.Error.WriteLine("training SentencePiece ...");
            var model = SentencePieceTrainer.Train(parse.GetValue(corpus)!.FullName, parse.GetValue(vocab), parse.GetValue(output)!.FullName,
                parse.GetValue(modelType)!, parse.GetValue(seed));
            var trained = SentencePieceTokenizer.Load(model);
            if (parse.GetValue(json))
                Console.WriteLine(new JsonObject { ["model"] = model, ["vocab_size"] = trained.VocabSize }.ToJsonString());
            else
                Console.WriteLine($"{model} ({trained.VocabSize} pieces)");
            return 0;
        });
        return command;
    }
}
