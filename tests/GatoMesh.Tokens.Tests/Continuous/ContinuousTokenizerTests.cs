namespace GatoMesh.Tokens.Tests.Continuous;

public class ContinuousTokenizerTests
{
    readonly TokenSpace space = new(32000);

    [Fact]
    public void Ids_are_bins_offset_by_the_text_vocabulary()
    {
        var tokenizer = new ContinuousTokenizer(space);
        Assert.Equal(32000 + 512, tokenizer.Encode(0f, "x", 0));
        Assert.Equal(32000 + 1023, tokenizer.Encode(300f, "x", 0));
        Assert.Equal(32000, tokenizer.Encode(-300f, "x", 0));
        Assert.Equal(33024, space.Separator);
        Assert.Equal(33025, space.VocabularySize);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_values_are_rejected_naming_the_element(float value)
    {
        var tokenizer = new ContinuousTokenizer(space);
        var error = Assert.Throws<InvalidValueException>(() => tokenizer.Encode([0f, value], new int[2], "joints"));
        Assert.Equal("joints[1]", error.Field);
        Assert.Contains("joints[1]", error.Message);
    }

    [Fact]
    public void Decoding_a_non_continuous_id_is_rejected()
    {
        var tokenizer = new ContinuousTokenizer(space);
        Assert.Equal((float)MuLaw.Decode(744), tokenizer.Decode(32744, "arm", 0));
        Assert.Throws<ActionTokenException>(() => tokenizer.Decode(31999, "arm", 0));
        Assert.Throws<ActionTokenException>(() => tokenizer.Decode(space.Separator, "arm", 0));
    }
}
