using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GatoMesh.Model.Tests;

/// <summary>The loss curve is a valid PNG read back by the format's own rules: signature, IHDR,
/// chunk CRCs, and an IDAT that inflates to exactly one filter byte plus one RGB row per line.</summary>
public sealed class TrainerLossCurveTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "gatomesh-png-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_crc_matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, GatoMesh.Data.Crc32.Append(0, "123456789"u8));

    [Fact]
    public void The_loss_curve_is_a_valid_png_with_axes_and_a_blue_curve()
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "loss.png");
        var losses = Enumerable.Range(0, 50).Select(i => 7.0 * Math.Exp(-i / 10.0) + 0.5).Append(double.NaN).ToList();
        LossCurvePng.Write(path, losses);
        var png = File.ReadAllBytes(path);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<(string Type, byte[] Data)>();
        var at = 8;
        while (at < png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var body = png.AsSpan(at + 4, 4 + length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(Crc(body), stored);
            chunks.Add((type, png[(at + 8)..(at + 8 + length)]));
            at += 12 + length;
        }
        Assert.Equal(png.Length, at);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));

        var header = chunks[0].Data;
        Assert.Equal(13, header.Length);
        var width = (int)BinaryPrimitives.ReadUInt32BigEndian(header);
        var height = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
        Assert.Equal((640, 400), (width, height));
        Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, header[8..]);

        using var inflate = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        Assert.Equal((width * 3 + 1) * height, rows.Length);
        for (var y = 0; y < height; y++) Assert.Equal(0, rows[y * (width * 3 + 1)]);

        var pixels = Enumerable.Range(0, height).SelectMany(y => rows.Skip(y * (width * 3 + 1) + 1).Take(width * 3)).ToArray();
        Assert.Equal(LossCurvePng.Render(losses), pixels);
        var blue = Enumerable.Range(0, width * height).Count(i => pixels[3 * i] == 31 && pixels[3 * i + 1] == 90 && pixels[3 * i + 2] == 200);
        var black = Enumerable.Range(0, width * height).Count(i => pixels[3 * i] == 0 && pixels[3 * i + 1] == 0 && pixels[3 * i + 2] == 0);
        Assert.True(blue > 500, $"{blue} curve pixels");
        Assert.True(black > 540 + 320, $"{black} axis pixels");
    }

    [Fact]
    public void The_curve_starts_top_left_and_falls_for_a_falling_loss()
    {
        var pixels = LossCurvePng.Render([5.0, 4.0, 3.0, 2.0, 1.0]);
        bool IsBlue(int x, int y) => pixels[(y * 640 + x) * 3 + 2] == 200 && pixels[(y * 640 + x) * 3] == 31;
        Assert.True(IsBlue(70, 20));      // step 0 at the highest loss: top of the plot
        Assert.True(IsBlue(620, 360));    // last step at the lowest loss: bottom right
    }

    static uint Crc(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c ^= b;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
