namespace GatoMesh.Grains;

/// <summary>
/// One observation or action field as it travels to a session: exactly one of <see cref="Text"/>,
/// <see cref="Image"/>, <see cref="Continuous"/> or <see cref="Discrete"/> is set. The embodiment
/// spec of the session (docs/TOKENS.md) says which kind and shape each key must have; the session
/// checks, naming the field, before anything reaches the model.
/// </summary>
[GenerateSerializer, Alias("gatomesh.FieldValue")]
public sealed record FieldValue
{
    [Id(0)] public string? Text { get; init; }

    /// <summary>uint8 pixels laid out [height, width, channels] (a camera's layout).</summary>
    [Id(1)] public ImageField? Image { get; init; }

    [Id(2)] public float[]? Continuous { get; init; }

    [Id(3)] public int[]? Discrete { get; init; }

    public static FieldValue OfText(string text) => new() { Text = text };
    public static FieldValue OfImage(byte[] hwc, int height, int width, int channels = 3) => new() { Image = new ImageField(height, width, channels, hwc) };
    public static FieldValue OfContinuous(params float[] values) => new() { Continuous = values };
    public static FieldValue OfDiscrete(params int[] values) => new() { Discrete = values };

    /// <summary>How many of the four kinds are set (a valid value has exactly one).</summary>
    public int KindsSet => (Text is null ? 0 : 1) + (Image is null ? 0 : 1) + (Continuous is null ? 0 : 1) + (Discrete is null ? 0 : 1);
}

/// <summary>An image field: uint8 pixels, HWC.</summary>
[GenerateSerializer, Alias("gatomesh.ImageField")]
public sealed record ImageField([property: Id(0)] int Height, [property: Id(1)] int Width, [property: Id(2)] int Channels, [property: Id(3)] byte[] Pixels);
