using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>Chooses actions from observations: a scripted expert, the random policy, later a
/// model. <see cref="Reset"/> is called with the episode's seed before its first observation.</summary>
public interface IPolicy
{
    void Reset(ulong seed);
    ActionValues Act(FieldValues observation);
}
