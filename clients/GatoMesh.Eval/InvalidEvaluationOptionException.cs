namespace GatoMesh.Eval;

/// <summary>An evaluation option out of range, naming the option and the value.</summary>
public sealed class InvalidEvaluationOptionException(string option, object? value, string problem)
    : Exception($"{option} = {value}: {problem}")
{
    public string Option { get; } = option;
}
