using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Tokens;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// A silo's deployed model on one device: the weights, the inference engine that batches every
/// session's steps over them, and what the token space needs to encode for them (the text model
/// beside the checkpoint). The inference grain is its face to the cluster; this object outlives
/// the grain's activations, so the engine's caches survive an idle deactivation.
/// Swaps are serialized; an answer names the version of the weights that sampled it.
/// </summary>
public sealed class ModelHost : IAsyncDisposable
{
    private readonly SemaphoreSlim swap = new(1, 1);
    private readonly ILogger log;
    private readonly Dictionary<long, ModelVersion> byGeneration = [];
    private readonly object gate = new();
    private GatoModel model;
    private SentencePieceTokenizer? text;
    private ModelVersion current;

    private readonly IDisposable gauges;

    private ModelHost(GatoModel model, SentencePieceTokenizer? text, ModelVersion version, EngineOptions options, ILogger log, string silo)
    {
        this.model = model;
        this.text = text;
        current = version;
        byGeneration[0] = version;
        this.log = log;
        Config = model.Config;
        Space = new TokenSpace(Config.TextVocab);
        Engine = new InferenceEngine(model, options);
        gauges = ServingMetrics.Track(silo, () => Engine.Metrics);
    }

    /// <summary>Loads <paramref name="source"/> (on the calling thread: a checkpoint read can take seconds).
    /// <paramref name="silo"/> names the silo in the engine's metrics.</summary>
    public static ModelHost Start(ModelSource source, EngineOptions options, ILogger log, string silo)
    {
        var model = source.Checkpoint is { } dir ? Checkpoint.Load(dir) : new GatoModel(Presets.Get(source.Preset!), source.Seed);
        var text = source.Checkpoint is { } d ? LoadText(d) : null;
        var version = new ModelVersion(source.VersionId, source.Checkpoint, model.Config.Preset, 0, DateTimeOffset.UtcNow);
        return new ModelHost(model, text, version, options, log, silo);
    }

    public InferenceEngine Engine { get; }
    public GatoConfig Config { get; }
    public TokenSpace Space { get; }

    /// <summary>The SentencePiece model of the served checkpoint (null: none; specs with text fields are refused).</summary>
    public SentencePieceTokenizer? Text
    {
        get { lock (gate) return this.text; }
    }

    public ModelVersion Current
    {
        get { lock (gate) return current; }
    }

    /// <summary>The version that answered with <paramref name="generation"/>.</summary>
    public ModelVersion VersionOf(long generation)
    {
        lock (gate) return byGeneration.TryGetValue(generation, out var v) ? v : current;
    }

    /// <summary>
    /// Serves <paramref name="version"/> from now on unless it is already served (or a newer
    /// revision is). The checkpoint loads on a pool thread; the engine drops every cache at the swap,
    /// so sessions in flight resend their context and get the new weights' action.
    /// </summary>
    public async Task ApplyAsync(ModelVersion version)
    {
        await this.swap.WaitAsync();
        try
        {
            if (version.Revision <= Current.Revision || version.Checkpoint is null) return;
            var dir = version.Checkpoint;
            var (model, text) = await Task.Run(() => (Checkpoint.Load(dir), LoadText(dir)));
            long generation;
            try
            {
                generation = await Engine.SwapModelAsync(model);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            GatoModel old;
            lock (gate)
            {
                byGeneration[generation] = version;
                current = version;
                old = this.model;
                this.model = model;
                // The old text model stays alive: a session may be encoding with it right now.
                this.text = text ?? this.text;
            }
            // The engine thread no longer reads the old weights once the swap command ran.
            old.Dispose();
            this.log.LogInformation("serving model {Version} (revision {Revision}) from {Checkpoint}", version.Id, version.Revision, dir);
        }
        finally
        {
            this.swap.Release();
        }
    }

    private static SentencePieceTokenizer? LoadText(string checkpoint)
    {
        var path = Path.Combine(checkpoint, SentencePieceTrainer.ModelFileName);
        return File.Exists(path) ? SentencePieceTokenizer.Load(path) : null;
    }

    public async ValueTask DisposeAsync()
    {
        gauges.Dispose();
        await Engine.DisposeAsync();
        this.model.Dispose();
        this.swap.Dispose();
    }
}
