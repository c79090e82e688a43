using System.Buffers.Binary;
using System.Text.RegularExpressions;
using GatoMesh.Envs;
using GatoMesh.Model;

namespace GatoMesh.Eval.Tests.Report;

/// <summary>The report is one self-contained page that a real browser renders: every section, every task, charts as
/// SVG and observations as embedded PNGs, nothing fetched from anywhere.</summary>
public sealed class HtmlReportTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("gatomesh-report-");

    static async Task<EvaluationReport> ExpertEvaluation() =>
        await Evaluator.RunAsync(new EvaluationOptions { Tasks = TaskCatalog.All, Episodes = 2, Concurrency = 8, RecordedEpisodes = 1 },
            PolicyAgents.Expert, ReferenceReturns.Measure(TaskCatalog.All, episodes: 10));

    static LossHistory Losses()
    {
        var losses = Enumerable.Range(0, 300).Select(i => 4 * Math.Exp(-i / 80.0) + 0.3 + 0.2 * Math.Sin(i)).ToList();
        var tasks = TaskCatalog.All.Take(3).Select((t, k) => (t.Name, Losses: (IReadOnlyList<double?>)losses.Select((l, i) => i % (k + 2) == 0 ? (double?)(l + k) : null).ToList()));
        return new LossHistory(losses, tasks.ToDictionary(t => t.Name, t => t.Losses));
    }

    [Fact]
    public async Task The_report_holds_every_section_and_task_and_needs_nothing_from_outside()
    {
        var evaluation = await ExpertEvaluation();
        var html = HtmlReport.Render(new ReportContent("test run", [("model", "gato-tiny")], Losses(), evaluation));

        foreach (var section in new[] { "id=\"scores\"", "id=\"loss\"", "id=\"latency\"", "id=\"filmstrips\"" })
            Assert.Contains(section, html);
        foreach (var task in TaskCatalog.All)
            Assert.Contains($"<h3>{task.Name} ", html);
        // Labelled axes on the loss and latency charts.
        Assert.Contains(">step</text>", html);
        Assert.Contains(">loss (nats)</text>", html);
        Assert.Contains(">milliseconds (observation to action)</text>", html);
        // The pixel tasks' frames are embedded images; the others are drawn.
        Assert.True(Regex.Matches(html, "src=\"data:image/png;base64,").Count >= 3);
        Assert.True(Regex.Matches(html, "<svg").Count >= 8);
        // Self-contained: no script, no stylesheet or image fetched, no link out.
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
    }

    [Fact]
    public async Task Headless_chromium_renders_the_report_into_a_screenshot_with_its_charts_and_frames()
    {
        var path = HtmlReport.Write(Path.Combine(dir.FullName, HtmlReport.FileName),
            new ReportContent("GatoMesh report", [("model", "gato-tiny")], Losses(), await ExpertEvaluation()));

        var dom = HeadlessChromium.Dom(path);
        Assert.Contains("<h1>GatoMesh report</h1>", dom);
        Assert.True(Regex.Matches(dom, "<svg").Count >= 8, "the parsed page has its charts");
        Assert.True(Regex.Matches(dom, "<img").Count >= 3, "the parsed page has its frames");

        var png = Path.Combine(dir.FullName, "report.png");
        HeadlessChromium.Screenshot(path, png, 1280, 2400);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        Assert.Equal((1280u, 2400u), (BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20))));
        // A blank page compresses to a few kilobytes; charts, text and frames do not.
        Assert.True(bytes.Length > 60_000, $"the screenshot is {bytes.Length} bytes");
        if (Environment.GetEnvironmentVariable("GATOMESH_REPORT_SCREENSHOT") is { Length: > 0 } keep)
            File.Copy(png, keep, overwrite: true);
    }

    public void Dispose() => dir.Delete(recursive: true);
}
