namespace GatoMesh.Eval;

/// <summary>
/// A task's result: the mean return over its episodes (the paper's score) and that score normalized
/// by the paper's rule against the task's reference returns (GATO.md, "Evaluation"): 0 is the random
/// policy, 1 the expert.
/// </summary>
public sealed record TaskResult(string Task, int Episodes, double Score, double Normalized, double ExpertReturn, double RandomReturn,
    IReadOnlyList<double> Returns);
