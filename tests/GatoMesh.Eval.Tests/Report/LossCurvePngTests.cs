using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using GatoMesh.Model;

namespace GatoMesh.Eval.Tests.Report;

/// <summary>The loss curve is a valid PNG read back by the format's own rules: signature, IHDR,
/// chunk CRCs, and an IDAT that inflates to exactly one filter byte plus one RGB row per line.</summary>
public sealed class LossCurvePngTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "gatomesh-png-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_loss_curve_is_a_valid_png_with_labelled_axes_the_overall_curve_and_each_tasks()
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "loss.png");
        var losses = Enumerable.Range(0, 50).Select(i => 7.0 * Math.Exp(-i / 10.0) + 0.5).Append(double.NaN).ToList();
        var history = History(losses, ("catch", losses.Select((l, i) => i % 2 == 0 ? (double?)l + 1 : null).ToList()));
        LossCurvePng.Write(path, history);
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
        Assert.Equal((LossCurvePng.Width, LossCurvePng.Height), (width, height));
        Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, header[8..]);

        using var inflate = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        Assert.Equal((width * 3 + 1) * height, rows.Length);
        for (var y = 0; y < height; y++) Assert.Equal(0, rows[y * (width * 3 + 1)]);

        var pixels = Enumerable.Range(0, height).SelectMany(y => rows.Skip(y * (width * 3 + 1) + 1).Take(width * 3)).ToArray();
        Assert.Equal(LossCurvePng.Render(history), pixels);
        var task = SeriesColors.Of(0);
        var taskPixels = Enumerable.Range(0, width * height).Count(i => pixels[3 * i] == task.R && pixels[3 * i + 1] == task.G && pixels[3 * i + 2] == task.B);
        var black = Enumerable.Range(0, width * height).Count(i => pixels[3 * i] == 0 && pixels[3 * i + 1] == 0 && pixels[3 * i + 2] == 0);
        Assert.True(taskPixels > 400, $"{taskPixels} pixels of the task's curve");
        // Axes, ticks, the labels and the thick overall curve.
        Assert.True(black > 2 * 600 + 2 * 380, $"{black} black pixels");
    }

    [Fact]
    public void The_overall_curve_starts_top_left_and_falls_for_a_falling_loss()
    {
        var losses = Enumerable.Range(0, 200).Select(i => 5.0 - i / 50.0).ToList();
        var pixels = LossCurvePng.Render(History(losses));
        bool IsBlack(int x, int y) => pixels[(y * LossCurvePng.Width + x) * 3] == 0 && pixels[(y * LossCurvePng.Width + x) * 3 + 2] == 0;
        // Plot area: x 80 .. 680, y 36 (top, 1.05 x the highest loss) .. 424 (bottom, loss 0).
        var top = Enumerable.Range(36, 60).First(y => IsBlack(81, y));
        var end = Enumerable.Range(36, 388).First(y => IsBlack(679, y));
        Assert.InRange(top, 36, 60);      // step 0 at the highest loss: near the top
        Assert.True(end > top + 100, $"the curve ends at y {end}, below its start at {top}");
    }

    [Fact]
    public void Smoothing_divides_out_the_start_up_bias_and_skips_steps_without_a_value()
    {
        var constant = LossSmoothing.Smooth([3.0, 3.0, 3.0, 3.0]);
        Assert.All(constant, p => Assert.Equal(3.0, p.Loss, 12));
        var gaps = LossSmoothing.Smooth(new double?[] { 2.0, null, 4.0, double.NaN });
        Assert.Equal([0, 2], gaps.Select(p => p.Step));
        Assert.InRange(gaps[1].Loss, 2.0, 4.0);
        Assert.Equal(200, LossSmoothing.Span(1_000_000));
        Assert.Equal(5, LossSmoothing.Span(10));
    }

    static LossHistory History(IReadOnlyList<double> losses, params (string Task, List<double?> Losses)[] tasks) =>
        new(losses, tasks.ToDictionary(t => t.Task, t => (IReadOnlyList<double?>)t.Losses));

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
