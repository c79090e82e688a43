namespace GatoMesh.Tokens;

/// <summary>
/// One image as given by an environment or robot: uint8 HWC (the camera's layout, 0..255) or float
/// CHW (the tensor layout, 0..1). Holds the caller's array without copying; its length is checked
/// against the sides when the image is patched.
/// </summary>
public sealed class ImageValue
{
    ImageValue(int height, int width, int channels, byte[]? hwc, float[]? chw)
    {
        Height = height;
        Width = width;
        Channels = channels;
        Hwc = hwc;
        Chw = chw;
    }

    /// <summary>uint8 pixels laid out [height, width, channels].</summary>
    public static ImageValue FromHwc(byte[] pixels, int height, int width, int channels = 3) =>
        new(height, width, channels, pixels, null);

    /// <summary>float pixels in [0, 1] laid out [channels, height, width].</summary>
    public static ImageValue FromChw(float[] pixels, int channels, int height, int width) =>
        new(height, width, channels, null, pixels);

    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }
    internal byte[]? Hwc { get; }
    internal float[]? Chw { get; }

    public override string ToString() => $"{Height}x{Width}x{Channels}";
}
