using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Silo;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Eval;

/// <summary>
/// The embedded serving path an evaluation runs through (docs/ARCHITECTURE.md, "Defaults"): one in-process
/// silo with in-memory membership and storage and its gateway (<see cref="EmbeddedSilo"/>), serving the
/// checkpoint with the window it was trained for, its KV pool sized so every concurrent session keeps
/// its window cached.
/// </summary>
public static class EvaluationSilo
{
    /// <summary>Above this the pool is capped and the engine evicts (sessions then resend their context).</summary>
    const long MaxKvBytes = 1L << 30;

    public static Task<EmbeddedSilo> StartAsync(ServedCheckpoint checkpoint, int sessions, string fleet = SessionAgents.DefaultFleet,
        ILoggerFactory? loggers = null, CancellationToken cancellation = default)
    {
        var engine = new EngineOptions { ContextWindow = checkpoint.Window, WindowTimesteps = checkpoint.History, MaxSequences = Math.Max(1, sessions) };
        var blocksPerSession = (checkpoint.Window + engine.BlockSize - 1) / engine.BlockSize + 3;
        var kvBytes = Math.Clamp((long)sessions * blocksPerSession * engine.BlockBytes(checkpoint.Config), engine.KvBytes, MaxKvBytes);
        return EmbeddedSilo.StartAsync(new ServingSiloOptions
        {
            Model = ModelSource.FromCheckpoint(checkpoint.Directory),
            Engine = engine with { KvBytes = kvBytes },
            // A shared 2-core machine can hold a step for seconds; a timeout would fail the episode, not measure it.
            CallTimeout = TimeSpan.FromMinutes(5),
        }, fleet, loggers, cancellation);
    }
}
