using GatoMesh.Gateway;
using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Runtime.Hosting;

namespace GatoMesh.Silo;

/// <summary>Everything a serving silo needs. Defaults are the embedded default (ARCHITECTURE.md):
/// one in-process silo, memory storage and membership, gato-tiny with seeded random weights on CPU.</summary>
public sealed record ServingSiloOptions
{
    /// <summary>The runtime silo: ports, membership, storage (null storage: a fresh memory store).</summary>
    public SiloOptions Runtime { get; init; } = new();

    /// <summary>What the silo serves until a version is deployed through the model registry.</summary>
    public ModelSource Model { get; init; } = ModelSource.Default;

    /// <summary>The inference engine's limits (KV budget, batch, window mode).</summary>
    public EngineOptions Engine { get; init; } = new();

    public ServingOptions Serving { get; init; } = new();

    /// <summary>The gateway for external clients (WebSocket sessions, /health, /metrics); null: none
    /// (in-process callers use <see cref="ServingSilo.GrainFactory"/>). Its Health is filled in by the silo.</summary>
    public GatewayOptions? Gateway { get; init; }
}
