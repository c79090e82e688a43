namespace GatoMesh.Tokens;

/// <summary>
/// Cuts an image into non-overlapping 16x16 patches in raster order (paper section 2.1): pixels are
/// scaled to [-1, 1], then divided by sqrt(16) = 4. Each patch is written as 3*16*16 floats laid out
/// [channel, row, column], the layout the model's per-patch ResNet block reads.
/// Sides that are not multiples of 16 are rejected (<see cref="ImageSizeException"/>), never padded
/// or truncated: padding would invent pixels the model never saw in training.
/// </summary>
public static class ImagePatcher
{
    public const int PatchSide = 16;
    public const int Channels = 3;
    public const int PatchPixels = Channels * PatchSide * PatchSide;

    /// <summary>uint8 v to its patch value <c>(v / 127.5 - 1) / 4 = (v - 127.5) / 510</c>, computed in
    /// float as <c>(v - 127.5f) * (1f / 510f)</c> on both the vector and the scalar path, so they agree
    /// bit for bit: 0 and 255 map exactly to -1/4 and 1/4, every value within 2e-8 of the exact one.</summary>
    const float ByteCentre = 127.5f;
    const float ByteScale = 1f / 510f;

    /// <summary>Checks that sides are positive multiples of 16 and that there are 3 channels.</summary>
    public static void CheckSize(string field, int height, int width, int channels)
    {
        if (height <= 0 || width <= 0 || height % PatchSide != 0 || width % PatchSide != 0)
            throw new ImageSizeException(field, $"{height}x{width}x{channels}", $"height and width must be positive multiples of {PatchSide} (images are rejected, not padded or cropped)");
        if (channels != Channels)
            throw new ImageSizeException(field, $"{height}x{width}x{channels}", $"images must have {Channels} channels (RGB)");
    }

    /// <summary>Appends the image's patches to <paramref name="buffer"/>, the first at local position
    /// <paramref name="localPosition"/>; returns the number of patches.</summary>
    public static int Append(ImageValue image, string field, TokenBuffer buffer, int localPosition, PatchPositions positions)
    {
        CheckSize(field, image.Height, image.Width, image.Channels);
        var expected = image.Height * image.Width * image.Channels;
        var actual = image.Hwc?.Length ?? image.Chw!.Length;
        if (actual != expected)
            throw new ShapeMismatchException(field, $"{actual} pixels", $"{image} = {expected} pixels");
        var rows = image.Height / PatchSide;
        var columns = image.Width / PatchSide;
        for (var r = 0; r < rows; r++)
        {
            var row = positions.Pick(r, rows);
            for (var c = 0; c < columns; c++)
            {
                var patch = buffer.AddPatch(localPosition++, row, positions.Pick(c, columns));
                if (image.Hwc is { } hwc)
                    CopyHwc(hwc, image.Width, r, c, patch);
                else
                    CopyChw(image.Chw!, image.Height, image.Width, r, c, patch, field);
            }
        }
        return rows * columns;
    }

    // One patch row is 16 interleaved RGB pixels, 48 bytes: deinterleave them into the three channel
    // planes (SSSE3 byte shuffles), widen to float and scale (AVX2 + FMA). This is the hot loop of
    // encoding a camera observation (docs/TOKENS.md, "Benchmark").
    static unsafe void CopyHwc(byte[] hwc, int width, int patchRow, int patchColumn, Span<float> patch)
    {
        const int plane = PatchSide * PatchSide;
        fixed (byte* source = hwc)
        fixed (float* destination = patch)
        {
            for (var y = 0; y < PatchSide; y++)
            {
                var s = source + ((patchRow * PatchSide + y) * width + patchColumn * PatchSide) * Channels;
                var d = destination + y * PatchSide;
                if (RgbDeinterleave.IsSupported)
                {
                    RgbDeinterleave.Row(s, d, d + plane, d + 2 * plane, ByteCentre, ByteScale);
                    continue;
                }
                for (var x = 0; x < PatchSide; x++, s += Channels)
                {
                    d[x] = (s[0] - ByteCentre) * ByteScale;
                    d[plane + x] = (s[1] - ByteCentre) * ByteScale;
                    d[2 * plane + x] = (s[2] - ByteCentre) * ByteScale;
                }
            }
        }
    }

    static void CopyChw(float[] chw, int height, int width, int patchRow, int patchColumn, Span<float> patch, string field)
    {
        for (var ch = 0; ch < Channels; ch++)
            for (var y = 0; y < PatchSide; y++)
            {
                var sourceRow = (ch * height + patchRow * PatchSide + y) * width + patchColumn * PatchSide;
                var destinationRow = (ch * PatchSide + y) * PatchSide;
                for (var x = 0; x < PatchSide; x++)
                {
                    var v = chw[sourceRow + x];
                    // NaN fails both comparisons' negation, so it is rejected here too.
                    if (!(v >= 0f && v <= 1f))
                        throw new InvalidValueException($"{field}[{ch},{patchRow * PatchSide + y},{patchColumn * PatchSide + x}]",
                            v.ToString(System.Globalization.CultureInfo.InvariantCulture), "float pixels must lie in [0, 1]");
                    patch[destinationRow + x] = (v * 2f - 1f) / 4f;
                }
            }
    }
}
