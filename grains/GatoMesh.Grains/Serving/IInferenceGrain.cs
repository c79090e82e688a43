using GatoMesh.Model.Engine;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// A silo's inference grain for one device (key <see cref="Cpu"/>): a stateless worker with one
/// activation per silo, so a session always asks the engine of the silo it lives on. The calls never
/// leave the silo, so their messages are handed over by reference, never serialized or copied
/// (InferenceMessageCodecs.cs). Reentrant: every session's request waits in the engine at
/// once, which is what lets the engine batch them.
/// </summary>
[Alias("gatomesh.IInferenceGrain")]
internal interface IInferenceGrain : IGrainWithStringKey
{
    public const string Cpu = "cpu";

    /// <summary>The engine's answer (an action, or a cache miss asking for the context) and the
    /// model version that produced the action, or the engine's refusal of the request.</summary>
    Task<InferenceReply> Act(ActRequest request);

    /// <summary>Frees a finished episode's cache.</summary>
    Task Release(string sequenceId);

    /// <summary>The version now served (after catching up with the registry).</summary>
    Task<ModelVersion> Version();
}

/// <param name="Result">The engine's answer; null when it refused the request.</param>
/// <param name="Version">For an action: the version of the weights that sampled it.</param>
/// <param name="Refusal">Why the engine refused the request (<see cref="InvalidActRequestException"/>).</param>
internal sealed record InferenceReply(ActResult? Result, ModelVersion Version, InvalidActRequestException? Refusal = null);
