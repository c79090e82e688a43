namespace GatoMesh.Eval;

/// <summary>Where an evaluation stands: episodes finished of all, and agent steps taken so far.</summary>
public readonly record struct EvaluationProgress(int EpisodesDone, int Episodes, long Steps, TimeSpan Elapsed);
