namespace GatoMesh.Eval;

/// <summary>One evaluated episode: its return, steps, and the latency of each agent step (observation
/// sent to action received) in milliseconds.</summary>
public sealed record EpisodeResult(string Task, ulong Seed, double Return, int Steps, IReadOnlyList<double> StepMilliseconds);
