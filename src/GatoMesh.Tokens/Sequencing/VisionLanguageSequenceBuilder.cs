namespace GatoMesh.Tokens;

/// <summary>An image and its caption (paper section 3: vision-language data).</summary>
public sealed record VisionLanguageSample(ImageValue Image, string Caption);

/// <summary>
/// Packs image-caption samples into fixed-length training sequences. A sample is one observation:
/// the image's patches (loss 0), then the caption's text ids (loss 1), local positions 0, 1, ...
/// restarting at every sample. Sequence i, from the seed and i alone, draws samples uniformly and
/// packs whole samples until the next would not fit; the rest is padding (id 0, loss 0).
/// </summary>
public sealed class VisionLanguageSequenceBuilder
{
    readonly IReadOnlyList<VisionLanguageSample> samples;
    readonly SentencePieceTokenizer text;
    readonly TokenBuffer scratch = new();

    public VisionLanguageSequenceBuilder(IReadOnlyList<VisionLanguageSample> samples, SentencePieceTokenizer text, TokenSpace space,
        int length = 1024, ulong seed = 0)
    {
        if (samples.Count == 0)
            throw new InvalidValueException("samples", "0", "need at least one sample");
        if (text.VocabSize > space.TextVocabSize)
            throw new InvalidValueException("text_vocab_size", space.TextVocabSize.ToString(), $"smaller than the model's {text.VocabSize} pieces");
        this.samples = samples;
        this.text = text;
        Length = length;
        Seed = seed;
    }

    public int Length { get; }
    public ulong Seed { get; }

    /// <summary>Writes sequence <paramref name="index"/>; returns how many samples it holds.</summary>
    public int Build(long index, TokenBuffer sequence)
    {
        var random = SeededRandom.For(Seed, index);
        var positions = PatchPositions.Training(random);
        sequence.Clear();
        var packed = 0;
        while (true)
        {
            var which = random.NextInt(samples.Count);
            scratch.Clear();
            Encode(samples[which], $"samples[{which}]", positions);
            if (sequence.Count + scratch.Count > Length)
            {
                if (packed == 0)
                    throw new TokenBudgetException($"samples[{which}]", $"{scratch.Count} tokens", $"longer than the sequence length {Length}");
                break;
            }
            sequence.Append(scratch);
            packed++;
        }
        while (sequence.Count < Length)
            sequence.Add(0, 0, loss: false);
        return packed;
    }

    void Encode(VisionLanguageSample sample, string name, PatchPositions positions)
    {
        var local = ImagePatcher.Append(sample.Image, $"{name}.image", scratch, 0, positions);
        if (sample.Caption.Length == 0)
            throw new TextLengthException($"{name}.caption", "\"\"", "a caption must not be empty");
        var ids = text.Encode(sample.Caption);
        var count = ids.Count;
        if (count == 0)
            throw new TextLengthException($"{name}.caption", $"\"{sample.Caption}\"", "the caption encodes to no tokens");
        if (local + count > TokenSpace.MaxObservationTokens)
            throw new TokenBudgetException($"{name}.caption", $"{count} tokens", $"image and caption exceed the {TokenSpace.MaxObservationTokens} local positions");
        for (var i = 0; i < count; i++)
            scratch.Add(ids[i], local++, loss: true);
    }
}
