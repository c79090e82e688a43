using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>A policy whose recorded action may differ from the one it takes: after <c>Act</c>,
/// <see cref="Recorded"/> is what <see cref="Rollout"/> writes (null: the action taken).</summary>
public interface IRecordsOtherAction
{
    ActionValues? Recorded { get; }
}

/// <summary>Chooses actions from observations: a scripted expert, the random policy, later a
/// model. <see cref="Reset"/> is called with the episode's seed before its first observation.</summary>
public interface IPolicy
{
    void Reset(ulong seed);
    ActionValues Act(FieldValues observation);
}
