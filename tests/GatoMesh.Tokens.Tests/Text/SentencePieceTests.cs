namespace GatoMesh.Tokens.Tests.Text;

[Collection(TextModelCollection.Name)]
public class SentencePieceTests(TextModel text)
{
    [Fact]
    public void A_trained_model_has_the_requested_vocabulary()
    {
        Assert.Equal(TextModel.VocabSize, text.Tokenizer.VocabSize);
        Assert.True(File.Exists(Path.ChangeExtension(text.ModelPath, ".vocab")));
    }

    [Theory]
    [InlineData("stack the red block on the blue cube")]
    [InlineData("grab the white ring into the black cup")]
    public void Text_round_trips_through_ids_in_zero_V(string sentence)
    {
        var ids = text.Tokenizer.Encode(sentence);
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 0, TextModel.VocabSize - 1));
        Assert.Equal(sentence, text.Tokenizer.Decode([.. ids]));
    }

    [Fact]
    public void A_unigram_models_ids_are_spm_encodes_on_every_line_of_its_corpus()
    {
        var start = new System.Diagnostics.ProcessStartInfo("spm_encode", [$"--model={text.ModelPath}", "--output_format=id", text.CorpusPath])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var spm = System.Diagnostics.Process.Start(start)!;
        var expected = spm.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        spm.WaitForExit();
        var lines = File.ReadAllLines(text.CorpusPath);
        Assert.Equal(lines.Length, expected.Length);
        for (var i = 0; i < lines.Length; i++)
            Assert.Equal(expected[i], string.Join(" ", text.Tokenizer.Encode(lines[i])));
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_is_an_error_naming_it()
    {
        var error = Assert.Throws<SentencePieceException>(() => text.Tokenizer.Decode([3, TextModel.VocabSize]));
        Assert.Contains($"id {TextModel.VocabSize}", error.Message);
    }

    [Fact]
    public void Loading_a_missing_model_is_an_error_naming_it()
    {
        var error = Assert.Throws<SentencePieceException>(() => SentencePieceTokenizer.Load("/nonexistent/text.model"));
        Assert.Contains("/nonexistent/text.model", error.Message);
    }

    [Fact]
    public void Training_the_same_corpus_and_seed_twice_gives_the_same_model()
    {
        // The .model file embeds its own path; the .vocab file holds every piece and score.
        var again = SentencePieceTrainer.Train(text.CorpusPath, TextModel.VocabSize, Path.Combine(text.Directory, "again"));
        Assert.Equal(File.ReadAllText(Path.ChangeExtension(text.ModelPath, ".vocab")), File.ReadAllText(Path.ChangeExtension(again, ".vocab")));
    }

    [Fact]
    public void Training_fails_clearly_when_the_corpus_cannot_fill_the_vocabulary()
    {
        var error = Assert.Throws<SentencePieceException>(() =>
            SentencePieceTrainer.Train(text.CorpusPath, 5000, Path.Combine(text.Directory, "too-big")));
        Assert.Contains("Vocabulary size too high", error.Message);
        Assert.Equal("corpus", Assert.Throws<InvalidValueException>(() =>
            SentencePieceTrainer.Train("/nonexistent/corpus.txt", 64, text.Directory)).Field);
    }
}
