using GatoMesh.Model.Engine;
using GatoMesh.Runtime;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// A silo's inference grain for one device (key <see cref="Cpu"/>): local placement, so a session
/// always asks the engine of the silo it lives on, and the arguments (token tensors) are passed by
/// reference, never serialized. Reentrant: every session's request waits in the engine at once,
/// which is what lets the engine batch them.
/// </summary>
public interface IInferenceGrain : IGrainWithStringKey
{
    public const string Cpu = "cpu";

    /// <summary>The engine's answer (an action, or a cache miss asking for the context) and the
    /// model version that produced the action.</summary>
    Task<InferenceReply> Act(ActRequest request);

    /// <summary>Frees a finished episode's cache.</summary>
    Task Release(string sequenceId);

    /// <summary>The version now served (after catching up with the registry).</summary>
    Task<ModelVersion> Version();
}

/// <param name="Result">The engine's answer.</param>
/// <param name="Version">For an action: the version of the weights that sampled it.</param>
public sealed record InferenceReply(ActResult Result, ModelVersion Version);
