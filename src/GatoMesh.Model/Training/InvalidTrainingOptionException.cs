namespace GatoMesh.Model;

/// <summary>A training option that cannot be used, naming the option (as the CLI spells it) and its value.</summary>
public sealed class InvalidTrainingOptionException(string option, object? value, string reason)
    : Exception($"{option} = {value ?? "(none)"}: {reason}")
{
    public string Option { get; } = option;
}
