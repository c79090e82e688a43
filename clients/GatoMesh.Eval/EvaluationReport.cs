using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace GatoMesh.Eval;

/// <summary>
/// What an evaluation measured: per task the score and normalized score (with its standard error and the
/// share of episodes at the expert's level), their mean over tasks, and
/// the serving side: step latency percentiles, agent steps, wall time, steps per second and the
/// number of agents that ran at once (<see cref="Concurrency"/>: the option, or fewer when there
/// were fewer episodes).
/// </summary>
public sealed record EvaluationReport(string Agents, IReadOnlyList<TaskResult> Tasks, double MeanNormalized, LatencyDistribution Latency,
    long Steps, TimeSpan Elapsed, int Concurrency, string References)
{
    public double StepsPerSecond => Steps / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>How the agents chose actions, in words (<see cref="SessionAgents.Decoding"/>); null when not said.</summary>
    public string? Decoding { get; init; }

    /// <summary>Every step's latency in milliseconds, for the report's histogram.</summary>
    public IReadOnlyList<double> StepMilliseconds { get; init; } = [];

    /// <summary>The episodes recorded step by step (<see cref="EvaluationOptions.RecordedEpisodes"/>), for the filmstrips.</summary>
    public IReadOnlyList<EpisodeResult> Recorded { get; init; } = [];

    /// <summary>Tokens of the demonstration prompt sessions opened with (<see cref="EvaluationOptions.PromptTokens"/>).</summary>
    public int PromptTokens { get; init; }

    /// <summary>The JSON object of <c>gatomesh eval --json</c> (docs/EVAL.md).</summary>
    public JsonObject ToJson()
    {
        var tasks = new JsonObject();
        foreach (var task in Tasks)
            tasks[task.Task] = new JsonObject
            {
                ["score"] = task.Score,
                ["normalized"] = task.Normalized,
                ["normalized_stderr"] = Finite(task.NormalizedStandardError),
                ["expert_level"] = task.ExpertLevelShare,
                ["episodes"] = task.Episodes,
                ["expert_return"] = task.ExpertReturn,
                ["random_return"] = task.RandomReturn,
            };
        return new JsonObject
        {
            ["tasks"] = tasks,
            ["mean_normalized"] = MeanNormalized,
            ["latency_ms"] = new JsonObject
            {
                ["p50"] = Latency.P50,
                ["p95"] = Latency.P95,
                ["p99"] = Latency.P99,
                ["max"] = Latency.Max,
            },
            ["steps"] = Steps,
            ["steps_per_s"] = StepsPerSecond,
            ["seconds"] = Elapsed.TotalSeconds,
            ["concurrency"] = Concurrency,
            ["agents"] = Agents,
            ["references"] = References,
            ["decoding"] = Decoding,
            ["prompt_tokens"] = PromptTokens,
        };
    }

    /// <summary>JSON has no NaN: an undefined figure (one episode's standard error) is null.</summary>
    static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>The readable tables: scores per task, then serving latency.</summary>
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var width = Math.Max(16, Tasks.Max(t => t.Task.Length));
        var text = new StringBuilder();
        text.AppendLine(c, $"{"task".PadRight(width)}  {"episodes",8}  {"score",9}  {"random",9}  {"expert",9}  {"normalized",10}  {"+- se",7}  {"expert-level",12}");
        foreach (var t in Tasks)
            text.AppendLine(c, $"{t.Task.PadRight(width)}  {t.Episodes,8}  {t.Score,9:F3}  {t.RandomReturn,9:F3}  {t.ExpertReturn,9:F3}  {t.Normalized * 100,9:F1}%  {t.NormalizedStandardError * 100,6:F1}%  {t.ExpertLevelShare * 100,11:F1}%");
        text.AppendLine(c, $"{"mean".PadRight(width)}  {"",8}  {"",9}  {"",9}  {"",9}  {MeanNormalized * 100,9:F1}%");
        text.AppendLine();
        text.AppendLine(c, $"{"agents",-12} {"steps",9}  {"steps/s",9}  {"p50 ms",8}  {"p95 ms",8}  {"p99 ms",8}  {"max ms",8}");
        text.AppendLine(c, $"{$"{Concurrency} {Agents}",-12} {Steps,9}  {StepsPerSecond,9:F1}  {Latency.P50,8:F2}  {Latency.P95,8:F2}  {Latency.P99,8:F2}  {Latency.Max,8:F2}");
        text.Append(c, $"normalized by the paper's rule against expert and random returns from {References}");
        if (Decoding is not null) text.Append(c, $"\n{Decoding}");
        if (PromptTokens > 0) text.Append(c, $"\nsessions opened with a demonstration prompt of at most {PromptTokens} tokens");
        return text.ToString();
    }
}
