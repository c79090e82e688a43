using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// A task an agent acts in, one episode at a time. Observations and actions follow
/// <see cref="Spec"/>, so a session can encode them with <see cref="TimestepEncoder"/>
/// (<see cref="FieldValues.ToObservation"/>) and decode the model's action tokens with
/// <see cref="ActionDecoder"/>. Everything random is drawn from a generator seeded by
/// <see cref="Reset"/>: the same seed and the same actions give the same episode.
/// </summary>
public interface IEnvironment : IDisposable
{
    EmbodimentSpec Spec { get; }

    /// <summary>Steps after which an episode ends if nothing ended it before.</summary>
    int MaxSteps { get; }

    /// <summary>Starts a new episode and returns its first observation.</summary>
    FieldValues Reset(ulong seed);

    /// <summary>Applies one action. A value outside the action's range, or NaN, is an
    /// <see cref="InvalidValueException"/> naming the field; continuous values are clipped to
    /// the actuators' [-1, 1].</summary>
    StepResult Step(ActionValues action);
}

/// <summary>What one step gave: the next observation, the reward for the action, and whether the
/// episode is over (success, failure or <see cref="IEnvironment.MaxSteps"/>).</summary>
public readonly record struct StepResult(FieldValues Observation, float Reward, bool Done);
