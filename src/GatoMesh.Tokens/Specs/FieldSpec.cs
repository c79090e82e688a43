namespace GatoMesh.Tokens;

/// <summary>
/// One named field of an observation or action: its kind, its shape and, for discrete fields, the
/// valid value range <c>[Low, High)</c>. <see cref="Key"/> is the dotted path of the field inside
/// nested groups (<c>robot.joints</c>). Image shape is [height, width, 3]; text has no shape but a
/// token limit.
/// </summary>
public sealed class FieldSpec
{
    FieldSpec(string key, FieldKind kind, int[] shape, int low, int high, int maxTokens)
    {
        Key = key;
        Kind = kind;
        Shape = shape;
        Low = low;
        High = high;
        MaxTokens = maxTokens;
        ElementCount = shape.Aggregate(1, (product, side) => product * side);
    }

    public static FieldSpec Text(string key, int maxTokens = TokenSpace.MaxObservationTokens - 1)
    {
        if (maxTokens < 1 || maxTokens >= TokenSpace.MaxObservationTokens)
            throw new SpecFormatException($"{key}.max_tokens", maxTokens.ToString(),
                $"must lie in [1, {TokenSpace.MaxObservationTokens - 1}] (one local position is the separator's)");
        return new(key, FieldKind.Text, [], 0, 0, maxTokens);
    }

    public static FieldSpec Image(string key, int height, int width, int channels = ImagePatcher.Channels)
    {
        try
        {
            ImagePatcher.CheckSize(key, height, width, channels);
        }
        catch (ImageSizeException e)
        {
            throw new SpecFormatException($"{key}.shape", e.Value, e.Message);
        }
        return new(key, FieldKind.Image, [height, width, channels], 0, 0, 0);
    }

    public static FieldSpec Continuous(string key, params int[] shape) =>
        new(key, FieldKind.Continuous, CheckShape(key, shape), 0, 0, 0);

    /// <summary>A discrete field whose values lie in <c>[low, high)</c>, a sub-range of [0, 1024).</summary>
    public static FieldSpec Discrete(string key, int[] shape, int low = 0, int high = TokenSpace.BinCount)
    {
        if (low < 0 || high > TokenSpace.BinCount || low >= high)
            throw new SpecFormatException($"{key}.range", $"[{low}, {high})", $"must be a non-empty sub-range of [0, {TokenSpace.BinCount})");
        return new(key, FieldKind.Discrete, CheckShape(key, shape), low, high, 0);
    }

    static int[] CheckShape(string key, int[] shape)
    {
        if (shape.Length == 0 || shape.Any(side => side < 1))
            throw new SpecFormatException($"{key}.shape", $"[{string.Join(",", shape)}]", "must be a non-empty list of positive sides");
        if (shape.Aggregate(1L, (product, side) => product * side) >= TokenSpace.MaxObservationTokens)
            throw new SpecFormatException($"{key}.shape", $"[{string.Join(",", shape)}]",
                $"has more elements than a timestep's {TokenSpace.MaxObservationTokens - 1} observation tokens");
        return (int[])shape.Clone();
    }

    public string Key { get; }
    public FieldKind Kind { get; }
    public IReadOnlyList<int> Shape { get; }
    /// <summary>Product of the shape: values of a tensor, pixels times channels of an image.</summary>
    public int ElementCount { get; }
    public int Low { get; }
    public int High { get; }
    public int MaxTokens { get; }

    /// <summary>Tokens the field always produces (0 for text, whose count depends on the text).</summary>
    public int FixedTokenCount => Kind switch
    {
        FieldKind.Image => Shape[0] / ImagePatcher.PatchSide * (Shape[1] / ImagePatcher.PatchSide),
        FieldKind.Text => 0,
        _ => ElementCount,
    };

    /// <summary>The valid ids <c>[Low, High)</c> of this field's tokens when it is an action.</summary>
    public (int Low, int High) IdRange(TokenSpace space) => Kind switch
    {
        FieldKind.Discrete => (Low, High),
        FieldKind.Continuous => (space.ContinuousOffset, space.ContinuousOffset + TokenSpace.BinCount),
        _ => throw new SpecFormatException(Key, Kind.ToString(), "only discrete and continuous fields are actions"),
    };

    public override string ToString() => Kind switch
    {
        FieldKind.Text => $"{Key}: text (at most {MaxTokens} tokens)",
        FieldKind.Discrete => $"{Key}: discrete[{string.Join(",", Shape)}] in [{Low}, {High})",
        _ => $"{Key}: {Kind.ToString().ToLowerInvariant()}[{string.Join(",", Shape)}]",
    };
}
