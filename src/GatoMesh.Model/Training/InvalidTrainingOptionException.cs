namespace GatoMesh.Model;

/// <summary>A training option that cannot be used, naming the <see cref="TrainerOptions"/> (or
/// <see cref="DistributedTrainerOptions"/>) field and its value: <c>Steps = 0: must be at least 1</c>. A
/// front end that spells the field otherwise (the CLI's <c>--steps</c>) maps <see cref="Field"/>.</summary>
public sealed class InvalidTrainingOptionException(string field, object? value, string reason)
    : Exception($"{field} = {value ?? "(none)"}: {reason}")
{
    public string Field { get; } = field;
    public object? Value { get; } = value;
    public string Reason { get; } = reason;
}
