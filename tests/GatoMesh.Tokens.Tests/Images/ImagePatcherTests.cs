namespace GatoMesh.Tokens.Tests.Images;

public class ImagePatcherTests
{
    const int Plane = 16 * 16;

    /// <summary>An HWC image whose red channel is the column, green the row, blue a constant.</summary>
    static byte[] Gradient(int height, int width, byte blue = 200)
    {
        var pixels = new byte[height * width * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                pixels[i] = (byte)x;
                pixels[i + 1] = (byte)y;
                pixels[i + 2] = blue;
            }
        return pixels;
    }

    static double Scaled(int v) => (v / 127.5 - 1) / 4;

    /// <summary>Float rounding of the patch value: within 2e-8 of the exact one.</summary>
    const double Rounding = 2e-8;

    [Fact]
    public void Pixels_are_scaled_to_minus_one_one_then_divided_by_four()
    {
        var buffer = new TokenBuffer();
        var pixels = Enumerable.Repeat((byte)0, 16 * 16 * 3).ToArray();
        pixels[0] = 255;
        ImagePatcher.Append(ImageValue.FromHwc(pixels, 16, 16), "camera", buffer, 0, PatchPositions.Evaluation);
        Assert.Equal(0.25f, buffer.PatchPixels[0]);
        Assert.Equal(-0.25f, buffer.PatchPixels[1]);
        Assert.Equal(-0.25f, buffer.PatchPixels[Plane]);
    }

    [Fact]
    public void Every_byte_value_maps_bit_for_bit_to_the_documented_float_arithmetic()
    {
        // 256 pixels, each byte value in every channel once: the vector path must match the
        // scalar definition (v - 127.5f) * (1f / 510f) exactly.
        var pixels = new byte[16 * 16 * 3];
        for (var i = 0; i < 256; i++)
        {
            pixels[3 * i] = (byte)i;
            pixels[3 * i + 1] = (byte)(255 - i);
            pixels[3 * i + 2] = (byte)(i * 7);
        }
        var buffer = new TokenBuffer();
        ImagePatcher.Append(ImageValue.FromHwc(pixels, 16, 16), "camera", buffer, 0, PatchPositions.Evaluation);
        for (var i = 0; i < 256; i++)
            for (var c = 0; c < 3; c++)
                Assert.Equal((pixels[3 * i + c] - 127.5f) * (1f / 510f), buffer.PatchPixels[c * Plane + i]);
    }

    [Fact]
    public void Patches_come_in_raster_order_as_channel_row_column_blocks()
    {
        var buffer = new TokenBuffer();
        var count = ImagePatcher.Append(ImageValue.FromHwc(Gradient(32, 48), 32, 48), "camera", buffer, 5, PatchPositions.Evaluation);
        Assert.Equal(6, count);
        Assert.Equal(6, buffer.PatchCount);
        Assert.Equal(Enumerable.Repeat(TokenBuffer.PatchId, 6), buffer.Ids.ToArray());
        Assert.Equal([5, 6, 7, 8, 9, 10], buffer.LocalPositions.ToArray());
        Assert.All(buffer.LossMask.ToArray(), Assert.False);
        // Patch 4 is row 1, column 1: pixel (y, x) of the patch is image pixel (16 + y, 16 + x).
        var patch = buffer.PatchPixels.Slice(4 * ImagePatcher.PatchPixels, ImagePatcher.PatchPixels);
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 16; x++)
            {
                Assert.Equal(Scaled(16 + x), patch[y * 16 + x], Rounding);
                Assert.Equal(Scaled(16 + y), patch[Plane + y * 16 + x], Rounding);
                Assert.Equal(Scaled(200), patch[2 * Plane + y * 16 + x], Rounding);
            }
        // Evaluation positions: rows split [0,64),[64,128) -> 32, 96; columns in thirds -> 21, 63, 106.
        Assert.Equal([32, 32, 32, 96, 96, 96], buffer.PatchRows.ToArray());
        Assert.Equal([21, 63, 106, 21, 63, 106], buffer.PatchColumns.ToArray());
    }

    [Fact]
    public void Float_chw_images_give_the_same_patches_as_their_uint8_hwc_form()
    {
        var hwc = Gradient(32, 16, blue: 51);
        var chw = new float[3 * 32 * 16];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < 32; y++)
                for (var x = 0; x < 16; x++)
                    chw[(c * 32 + y) * 16 + x] = hwc[(y * 16 + x) * 3 + c] / 255f;
        var fromBytes = new TokenBuffer();
        var fromFloats = new TokenBuffer();
        ImagePatcher.Append(ImageValue.FromHwc(hwc, 32, 16), "camera", fromBytes, 0, PatchPositions.Evaluation);
        ImagePatcher.Append(ImageValue.FromChw(chw, 3, 32, 16), "camera", fromFloats, 0, PatchPositions.Evaluation);
        Assert.Equal(fromBytes.PatchPixels.Length, fromFloats.PatchPixels.Length);
        for (var i = 0; i < fromBytes.PatchPixels.Length; i++)
            Assert.Equal(fromBytes.PatchPixels[i], fromFloats.PatchPixels[i], 1e-6f);
    }

    [Theory]
    [InlineData(60, 64, 3)]
    [InlineData(64, 17, 3)]
    [InlineData(0, 16, 3)]
    [InlineData(16, 16, 4)]
    [InlineData(16, 16, 1)]
    public void Images_of_unsupported_size_are_rejected_naming_field_and_size(int height, int width, int channels)
    {
        var image = ImageValue.FromHwc(new byte[Math.Max(0, height * width * channels)], height, width, channels);
        var error = Assert.Throws<ImageSizeException>(() => ImagePatcher.Append(image, "camera", new TokenBuffer(), 0, PatchPositions.Evaluation));
        Assert.Equal("camera", error.Field);
        Assert.Equal($"{height}x{width}x{channels}", error.Value);
    }

    [Fact]
    public void A_pixel_array_that_does_not_match_the_sides_is_rejected()
    {
        var image = ImageValue.FromHwc(new byte[16 * 16 * 3 - 1], 16, 16);
        var error = Assert.Throws<ShapeMismatchException>(() => ImagePatcher.Append(image, "camera", new TokenBuffer(), 0, PatchPositions.Evaluation));
        Assert.Equal("camera", error.Field);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(1.5f)]
    [InlineData(-0.1f)]
    public void Float_pixels_outside_zero_one_are_rejected_naming_the_pixel(float value)
    {
        var chw = new float[3 * 16 * 16];
        chw[(1 * 16 + 2) * 16 + 3] = value;
        var error = Assert.Throws<InvalidValueException>(() =>
            ImagePatcher.Append(ImageValue.FromChw(chw, 3, 16, 16), "camera", new TokenBuffer(), 0, PatchPositions.Evaluation));
        Assert.Equal("camera[1,2,3]", error.Field);
    }
}
