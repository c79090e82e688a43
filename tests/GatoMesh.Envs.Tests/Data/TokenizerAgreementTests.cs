using System.Diagnostics;
using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs.Tests;

/// <summary>The text model a data directory ships is read by .NET's tokenizer (Microsoft.ML.Tokenizers), trained by
/// SentencePiece's own trainer: the two must agree on every id. Checked on every line of every corpus the generator
/// writes against SentencePiece's own encoder, Debian's <c>spm_encode</c>.</summary>
public class TokenizerAgreementTests
{
    [Fact]
    public void Every_line_the_generator_writes_encodes_to_spm_encodes_ids_and_decodes_back()
    {
        using var directory = new TemporaryDirectory();
        var (manifest, _) = new DatasetGenerator(new GenerationOptions
        {
            Tasks = [.. TaskCatalog.All.Select(t => t.Name), CaptionedScenes.Task],
            Episodes = 4,
            RandomEpisodes = 2,
            OutputDirectory = directory.Path,
        }).Run();
        var model = Path.Combine(directory.Path, manifest.TextModel!);
        var corpus = Path.Combine(Path.GetDirectoryName(model)!, "corpus.txt");
        var lines = File.ReadAllLines(corpus);
        Assert.True(lines.Length > 500, $"{lines.Length} lines");

        var text = SentencePieceTokenizer.Load(model);
        var expected = SpmEncode(model, corpus);
        Assert.Equal(lines.Length, expected.Count);
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.True(expected[i].SequenceEqual(text.Encode(lines[i])), $"line {i + 1} \"{lines[i]}\": spm_encode {string.Join(" ", expected[i])}, ours {string.Join(" ", text.Encode(lines[i]))}");
            Assert.Equal(lines[i], text.Decode([.. text.Encode(lines[i])]));
        }
    }

    /// <summary>spm_encode's ids for each line of <paramref name="corpus"/>.</summary>
    internal static List<int[]> SpmEncode(string model, string corpus)
    {
        var start = new ProcessStartInfo("spm_encode") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add($"--model={model}");
        start.ArgumentList.Add("--output_format=id");
        using var spm = Process.Start(start)!;
        var output = spm.StandardOutput.ReadToEndAsync();
        spm.StandardInput.Write(File.ReadAllText(corpus));
        spm.StandardInput.Close();
        spm.WaitForExit();
        Assert.Equal(0, spm.ExitCode);
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()).ToList();
    }
}
