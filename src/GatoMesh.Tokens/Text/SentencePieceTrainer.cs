using System.Diagnostics;

namespace GatoMesh.Tokens;

/// <summary>
/// Trains a SentencePiece model from a text corpus (one sentence per line) with SentencePiece's own trainer,
/// Debian's <c>spm_train</c> (package <c>sentencepiece</c>): .NET has tokenizers that read SentencePiece models
/// but no trainer. Writes <c>DIR/text.model</c> and <c>DIR/text.vocab</c>.
/// </summary>
public static class SentencePieceTrainer
{
    /// <summary>The file name of the model inside the output folder.</summary>
    public const string ModelFileName = "text.model";

    /// <summary>The trainer's program, found on PATH.</summary>
    public const string Program = "spm_train";

    /// <summary>Trains and returns the path of the model. <paramref name="modelType"/> is unigram (the
    /// library's default), bpe, char or word. The trainer fails when the corpus cannot fill the
    /// vocabulary: V must be exactly what was asked, since it fixes the continuous ids' offset. One thread and
    /// the seed make the model a function of the corpus.</summary>
    public static string Train(string corpusPath, int vocabSize, string outputDirectory, string modelType = "unigram", uint seed = 0)
    {
        if (!File.Exists(corpusPath))
            throw new InvalidValueException("corpus", corpusPath, "file not found");
        if (vocabSize < 4)
            throw new InvalidValueException("vocab", vocabSize.ToString(), "must be at least 4 (unk, bos, eos and one piece)");
        if (modelType is not ("unigram" or "bpe" or "char" or "word"))
            throw new InvalidValueException("model_type", modelType, "must be unigram, bpe, char or word");
        Directory.CreateDirectory(outputDirectory);
        var prefix = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(ModelFileName));
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     $"--input={corpusPath}", $"--model_prefix={prefix}", $"--vocab_size={vocabSize}", $"--model_type={modelType}",
                     "--num_threads=1", "--minloglevel=1", $"--random_seed={seed}",
                 })
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SentencePieceException($"{Program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SentencePieceException($"{Program} cannot run ({e.Message}); install Debian's sentencepiece package (build/setup.sh does)");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            output.Wait();
            if (process.ExitCode != 0)
                throw new SentencePieceException($"training failed: {LastLine(errors)}");
        }
        return prefix + ".model";
    }

    /// <summary>The trainer's line that says why it stopped (the last, before its closing "Program terminated").</summary>
    static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(line => !line.StartsWith("Program terminated", StringComparison.Ordinal)) ?? "no message";
}
