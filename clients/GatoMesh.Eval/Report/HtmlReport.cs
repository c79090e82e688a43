using System.Globalization;
using System.Text;
using GatoMesh.Envs;
using GatoMesh.Model;
using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Eval;

/// <summary>What a report shows: a title, facts about the run (name, value), the training losses when there are
/// any, and an evaluation when there is one.</summary>
public sealed record ReportContent(string Title, IReadOnlyList<(string Name, string Value)> Facts, LossHistory? Training, EvaluationReport? Evaluation);

/// <summary>
/// The self-contained HTML report that <c>gatomesh train</c>, <c>eval</c> and <c>demo</c> write (docs/EVAL.md,
/// "Report"): per-task scores against the expert and random returns, the smoothed training loss overall and per
/// task with labelled axes, the step-latency histogram, and a filmstrip of the first recorded episodes of each task.
/// One file: charts are inline SVG, observation images PNG data URIs, no script and nothing fetched.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";
    const int FramesPerEpisode = 10;

    public static string Write(string path, ReportContent content)
    {
        var html = Encoding.UTF8.GetBytes(Render(content));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream => stream.Write(html));
        return Path.GetFullPath(path);
    }

    public static string Render(ReportContent content)
    {
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append(c, $"<title>{E(content.Title)}</title>");
        html.Append("<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}" +
                    "table{border-collapse:collapse}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}th:first-child,td:first-child{text-align:left}" +
                    ".strip{display:flex;gap:6px;overflow-x:auto;margin:6px 0 14px}.frame{text-align:center;font-size:11px;width:116px}.said{font-size:11px;max-width:116px}" +
                    ".bar{height:14px;background:#4c78a8}.grid{display:flex;flex-wrap:wrap;gap:8px}.fact td{text-align:left}</style></head><body>");
        html.Append(c, $"<h1>{E(content.Title)}</h1>");
        html.Append("<table class=\"fact\">");
        foreach (var (name, value) in content.Facts)
            html.Append(c, $"<tr><td><b>{E(name)}</b></td><td>{E(value)}</td></tr>");
        html.Append("</table>");
        if (content.Evaluation is { } evaluation) Scores(html, evaluation);
        if (content.Training is { Losses.Count: > 0 } training) Losses(html, training);
        if (content.Evaluation is { StepMilliseconds.Count: > 0 } served) Latency(html, served);
        if (content.Evaluation is { Recorded.Count: > 0 } recorded) Filmstrips(html, recorded);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    static void Scores(StringBuilder html, EvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        html.Append("<h2 id=\"scores\">Scores</h2>");
        html.Append(c, $"<p>Normalized by the paper's rule, (score - random) / (expert - random): 0% is the random policy, 100% the expert. Mean over tasks: <b>{report.MeanNormalized * 100:F1}%</b>.{(report.Decoding is { } d ? $" Decoding: {E(d)}." : "")}{(report.PromptTokens > 0 ? $" Sessions were prompted with a demonstration of at most {report.PromptTokens} tokens." : "")}</p>");
        html.Append("<table><tr><th>task</th><th>episodes</th><th>random</th><th>expert</th><th>score</th><th>normalized</th><th>&plusmn; se</th><th style=\"width:320px;text-align:left\">random &rarr; expert</th></tr>");
        foreach (var t in report.Tasks)
        {
            // The bar spans -20% .. 120% of the random-to-expert range; the marks sit at random (0%) and expert (100%).
            var clamped = Math.Clamp(t.Normalized, -0.2, 1.2);
            var left = (Math.Min(clamped, 0) + 0.2) / 1.4 * 100;
            var width = Math.Abs(clamped) / 1.4 * 100;
            var color = t.Normalized >= 0.5 ? "#4c78a8" : "#d62728";
            html.Append(c, $"<tr><td>{E(t.Task)}</td><td>{t.Episodes}</td><td>{t.RandomReturn:F3}</td><td>{t.ExpertReturn:F3}</td><td>{t.Score:F3}</td><td><b>{t.Normalized * 100:F1}%</b></td><td>{(double.IsFinite(t.NormalizedStandardError) ? $"{t.NormalizedStandardError * 100:F1}%" : "")}</td>");
            html.Append(c, $"<td style=\"text-align:left\"><div style=\"position:relative;height:16px;background:#f3f3f3\"><div style=\"position:absolute;left:{SvgChart.F(left)}%;width:{SvgChart.F(width)}%;height:16px;background:{color}\"></div>" +
                           $"<div title=\"random\" style=\"position:absolute;left:{SvgChart.F(0.2 / 1.4 * 100)}%;width:1px;height:16px;background:#000\"></div><div title=\"expert\" style=\"position:absolute;left:{SvgChart.F(1.2 / 1.4 * 100)}%;width:2px;height:16px;background:#2ca02c\"></div></div></td></tr>");
        }
        html.Append(c, $"<tr><td><b>mean</b></td><td></td><td></td><td></td><td></td><td><b>{report.MeanNormalized * 100:F1}%</b></td><td></td><td></td></tr></table>");
        html.Append("<p style=\"font-size:12px\">Bar: the normalized score on a scale from -20% to 120%; black mark: random, green mark: expert; red bars are below 50%.</p>");
    }

    static void Losses(StringBuilder html, LossHistory training)
    {
        var span = LossSmoothing.Span(training.Losses.Count);
        html.Append("<h2 id=\"loss\">Training loss</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Masked next-token cross-entropy on text and action tokens (nats), per step, smoothed by an exponential moving average over {span} steps (the raw overall loss in grey). A task's curve is its mean loss over its own targets in the batches that drew it.</p>");
        var tasks = training.TaskLosses.ToList();
        var series = new List<SvgChart.Series>
        {
            new("raw, all tasks", "#bbb", training.Losses.Select((l, i) => ((double)i, l)).ToList(), 1, 0.6),
        };
        series.AddRange(tasks.Select((t, i) => new SvgChart.Series(t.Key, SeriesColors.Css(i), Points(LossSmoothing.Smooth(t.Value)))));
        series.Add(new SvgChart.Series("all tasks", "#000", Points(LossSmoothing.Smooth(training.Losses)), 2.5));
        html.Append(SvgChart.Lines("Training loss, smoothed", "step", "loss (nats)", series, 900, 380));
        if (tasks.Count == 0) return;
        html.Append("<div class=\"grid\">");
        for (var i = 0; i < tasks.Count; i++)
            html.Append(SvgChart.Lines($"{tasks[i].Key}", "step", "loss (nats)",
                [new SvgChart.Series(tasks[i].Key, SeriesColors.Css(i), Points(LossSmoothing.Smooth(tasks[i].Value)), 2)], 290, 210));
        html.Append("</div>");
    }

    static IReadOnlyList<(double, double)> Points(IReadOnlyList<(int Step, double Loss)> points) => points.Select(p => ((double)p.Step, p.Loss)).ToList();

    static void Latency(StringBuilder html, EvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var l = report.Latency;
        html.Append("<h2 id=\"latency\">Step latency</h2>");
        html.Append(c, $"<p>Observation sent to action received, for every agent step ({report.Steps} steps, {report.Concurrency} {E(report.Agents)} at once, {report.StepsPerSecond:F1} steps/s): p50 {l.P50:F1} ms, p95 {l.P95:F1} ms, p99 {l.P99:F1} ms, max {l.Max:F1} ms.</p>");
        html.Append(SvgChart.Histogram("Step latency", "milliseconds (observation to action)", "steps", report.StepMilliseconds, 40,
            [("p50", l.P50), ("p95", l.P95), ("p99", l.P99)], upTo: Math.Max(l.P99 * 1.25, 1e-3), width: 900));
    }

    static void Filmstrips(StringBuilder html, EvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        html.Append("<h2 id=\"filmstrips\">Episodes</h2>");
        html.Append(c, $"<p>The first recorded episodes of each task as the served model played them, up to {FramesPerEpisode} frames an episode spread over its length; under each frame its step and reward.</p>");
        foreach (var group in report.Recorded.GroupBy(r => r.Task))
        {
            var task = TaskCatalog.Get(group.Key);
            using var environment = task.CreateEnvironment();
            html.Append(c, $"<h3>{E(task.Name)} <small>({E(task.Domain.Name())})</small></h3>");
            foreach (var episode in group)
            {
                html.Append(c, $"<div>seed {episode.Seed}: return {episode.Return:0.###} in {episode.Steps} steps</div><div class=\"strip\">");
                var frames = episode.Frames!;
                foreach (var index in Spread(frames.Count, FramesPerEpisode))
                    html.Append(c, $"<div class=\"frame\">{FrameDrawing.Draw(task, environment.Spec, frames[index])}<div>step {index + 1}, reward {frames[index].Reward:0.###}</div></div>");
                html.Append("</div>");
            }
        }
    }

    /// <summary>At most <paramref name="most"/> indices of <c>[0, count)</c>, evenly spread, first and last included.</summary>
    static IEnumerable<int> Spread(int count, int most) =>
        count <= most ? Enumerable.Range(0, count) : Enumerable.Range(0, most).Select(i => (int)Math.Round((double)i * (count - 1) / (most - 1))).Distinct();

    static string E(string text) => SvgChart.Escape(text);
}
