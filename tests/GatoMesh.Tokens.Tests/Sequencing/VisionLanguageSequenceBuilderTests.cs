namespace GatoMesh.Tokens.Tests.Sequencing;

[Collection(TextModelCollection.Name)]
public class VisionLanguageSequenceBuilderTests(TextModel text)
{
    static ImageValue Image(byte shade) => ImageValue.FromHwc(Enumerable.Repeat(shade, 32 * 32 * 3).ToArray(), 32, 32);

    [Fact]
    public void Samples_are_patches_then_caption_with_loss_on_the_caption_only()
    {
        var samples = new List<VisionLanguageSample>
        {
            new(Image(0), "the red block"),
            new(Image(255), "stack the blue cube on the green plate"),
        };
        var builder = new VisionLanguageSequenceBuilder(samples, text.Tokenizer, new TokenSpace(TextModel.VocabSize), length: 96, seed: 2);
        var sequence = new TokenBuffer();
        var packed = builder.Build(0, sequence);
        Assert.True(packed >= 2);
        Assert.Equal(96, sequence.Count);
        var t = 0;
        for (var s = 0; s < packed; s++)
        {
            Assert.Equal(0, sequence.LocalPositions[t]);
            for (var p = 0; p < 4; p++, t++)
            {
                Assert.Equal(TokenBuffer.PatchId, sequence.Ids[t]);
                Assert.False(sequence.LossMask[t]);
            }
            var shade = sequence.PatchPixels[(s * 4) * ImagePatcher.PatchPixels];
            var caption = text.Tokenizer.Encode(shade > 0 ? samples[1].Caption : samples[0].Caption).ToArray();
            Assert.Equal(caption, sequence.Ids.Slice(t, caption.Length).ToArray());
            Assert.All(sequence.LossMask.Slice(t, caption.Length).ToArray(), Assert.True);
            Assert.Equal(Enumerable.Range(4, caption.Length), sequence.LocalPositions.Slice(t, caption.Length).ToArray());
            t += caption.Length;
        }
        Assert.All(sequence.LossMask[t..].ToArray(), Assert.False);
        Assert.True(96 - t < 4 + text.Tokenizer.Encode(samples[1].Caption).Count);
    }

    [Fact]
    public void Sequences_are_deterministic_for_a_seed_and_empty_captions_are_rejected()
    {
        var samples = new List<VisionLanguageSample> { new(Image(10), "the red block"), new(Image(20), "a cup") };
        var space = new TokenSpace(TextModel.VocabSize);
        var a = new TokenBuffer();
        var b = new TokenBuffer();
        new VisionLanguageSequenceBuilder(samples, text.Tokenizer, space, 64, seed: 8).Build(5, a);
        new VisionLanguageSequenceBuilder(samples, text.Tokenizer, space, 64, seed: 8).Build(5, b);
        Assert.Equal(a.Ids.ToArray(), b.Ids.ToArray());
        Assert.Equal(a.PatchRows.ToArray(), b.PatchRows.ToArray());
        var empty = new VisionLanguageSequenceBuilder([new(Image(0), "")], text.Tokenizer, space, 64);
        Assert.Equal("samples[0].caption", Assert.Throws<TextLengthException>(() => empty.Build(0, new TokenBuffer())).Field);
    }
}
