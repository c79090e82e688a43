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
        Assert.Equal(sentence, text.Tokenizer.Decode(ids));
    }

    [Fact]
    public void Encoding_into_a_small_buffer_grows_it()
    {
        var buffer = new int[1];
        var count = text.Tokenizer.Encode("stack the red block on the blue cube near the green plate", ref buffer);
        Assert.True(count > 1);
        Assert.Equal(text.Tokenizer.Encode("stack the red block on the blue cube near the green plate"), buffer[..count]);
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_is_an_error_naming_it()
    {
        var error = Assert.Throws<SentencePieceException>(() => text.Tokenizer.Decode([3, TextModel.VocabSize]));
        Assert.Contains($"id {TextModel.VocabSize}", error.Message);
    }

    [Fact]
    public void Loading_a_missing_model_is_an_error_with_the_librarys_message()
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
        Assert.Throws<SentencePieceException>(() =>
            SentencePieceTrainer.Train(text.CorpusPath, 5000, Path.Combine(text.Directory, "too-big")));
        Assert.Equal("corpus", Assert.Throws<InvalidValueException>(() =>
            SentencePieceTrainer.Train("/nonexistent/corpus.txt", 64, text.Directory)).Field);
    }
}
