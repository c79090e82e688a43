using GatoMesh.Tokens;
using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Model;

/// <summary>
/// Gato (Reed et al. 2022, section 2): embed every token (<see cref="TokenEmbedding"/>), run a stack of
/// pre-LN causal transformer blocks without absolute positions, normalize, and score the next token
/// against the token table itself (tied output projection). docs/MODEL.md states the exact math and
/// every tensor; the parameters are exactly <see cref="TensorLayout.For"/>.
///
/// A new model is in evaluation mode (dropout off), unlike PyTorch: inference is the common use and the
/// training step switches to training mode itself.
/// </summary>
public sealed class GatoModel : Module
{
    private readonly ModuleList<TransformerBlock> blocks;

    /// <summary>A seeded model on <paramref name="device"/> (CPU by default); weights are drawn on the CPU, so a
    /// seed gives the same weights on every device. The local-position rows of <paramref name="localGrids"/> (the
    /// training data's 2-D discrete fields, <see cref="EmbodimentSpec.LocalGrids"/>) start on a row + column
    /// lattice (<see cref="Initialization.LocalGrids"/>); every other weight is the same with or without them.</summary>
    public GatoModel(GatoConfig config, ulong seed, Device? device = null, IReadOnlyList<LocalGrid>? localGrids = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        using var generator = new Generator(seed);
        DropoutGenerator = new Generator(seed ^ DropoutSeedSalt, device);
        Embed = RegisterModule("embed", new TokenEmbedding(config, generator, device));
        blocks = RegisterModule("blocks", new ModuleList<TransformerBlock>(
            Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config, generator, DropoutGenerator, device))));
        FinalNorm = RegisterModule("final_norm", new LayerNorm(config.Width, config.LayerNormEps, device: device));
        Initialization.Apply(this, generator);
        if (localGrids is { Count: > 0 })
        {
            using var lattice = new Generator(seed ^ LocalGridSeedSalt);
            Initialization.LocalGrids(Embed.LocalPositions.Weight, localGrids, config, lattice);
        }
        Eval();
    }

    public GatoConfig Config { get; }

    /// <summary>
    /// What the transformer blocks and the output projection compute their matrix products in:
    /// <see cref="ComputePrecision.Float32"/> (the default) or <see cref="ComputePrecision.BFloat16"/>, libtorch's
    /// CPU autocast (<see cref="AutocastScope"/>): bfloat16 products with fp32 accumulation, fp32 weights,
    /// gradients, norms, residual stream and loss. The embedding (its GroupNorm needs fp32) always computes in
    /// fp32. A training option (docs/TRAINING.md, "Precision"); not saved with the weights.
    /// </summary>
    public ComputePrecision Precision { get; set; }

    /// <summary>Every dropout mask of this model draws from this generator, never from libtorch's global
    /// one, so a trainer that reseeds it per step gets masks that are a function of the step alone
    /// (exact resume) whatever else in the process draws random numbers.</summary>
    public Generator DropoutGenerator { get; }

    private const ulong DropoutSeedSalt = 0x9E3779B97F4A7C15;
    private const ulong LocalGridSeedSalt = 0x3C6E_F372_FE94_F82BUL;

    protected override void DisposeOwned() => DropoutGenerator.Dispose();

    public TokenEmbedding Embed { get; }
    public IReadOnlyList<TransformerBlock> Blocks => blocks;
    public LayerNorm FinalNorm { get; }

    /// <summary>
    /// The full causal forward pass on a padded batch: the last block's output [B, T, width], before the
    /// final norm (<see cref="Logits"/> applies it).
    /// </summary>
    public Tensor Forward(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Validate();
        using var scope = DisposeScope.Begin();
        var device = Embed.Tokens.Weight.Device;
        var x = Embed.Forward(input.Tokens).View(input.Batch, input.Length, Config.Width);
        var attention = new DenseAttention(input.BlockedAttention(device));
        using (Autocast())
            for (var l = 0; l < blocks.Count; l++) x = blocks[l].Forward(x, attention, l);
        return x.MoveToOuterScope();
    }

    /// <summary>
    /// Next-token logits FinalNorm(hidden) @ E[lo:hi]^T for hidden [..., width] -> [..., hi - lo]: the tied
    /// output projection restricted to ids [lo, hi) (an action's valid range; the whole vocabulary by
    /// default). Applies <see cref="FinalNorm"/> itself: pass the last block's output.
    /// </summary>
    public Tensor Logits(Tensor hidden, int lo = 0, int? hi = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var end = hi ?? Config.VocabSize;
        if (lo < 0 || end > Config.VocabSize || lo >= end)
            throw new ArgumentOutOfRangeException(nameof(lo), $"id range [{lo}, {end}) must be non-empty inside [0, {Config.VocabSize})");
        using var scope = DisposeScope.Begin();
        var normed = FinalNorm.Forward(hidden);
        var table = lo == 0 && end == Config.VocabSize ? Embed.Tokens.Weight : Embed.Tokens.Weight.Narrow(0, lo, end - lo);
        using (Autocast())
        {
            var logits = Functional.Linear(normed, table);
            // The loss and the samplers read fp32 logits; under autocast the cast is recorded, so gradients flow through it.
            return (logits.DType == DType.Float32 ? logits : logits.To(DType.Float32)).MoveToOuterScope();
        }
    }

    /// <summary>Autocast on the weights' device while <see cref="Precision"/> is bf16 (the blocks and the output
    /// projection; the inference engine runs its blocks under it too).</summary>
    internal AutocastScope? Autocast() =>
        Precision == ComputePrecision.BFloat16 ? new AutocastScope(DType.BFloat16, Embed.Tokens.Weight.Device.Type) : null;
}

/// <summary>What <see cref="GatoModel.Precision"/> computes the transformer's matrix products in.</summary>
public enum ComputePrecision
{
    /// <summary>Everything in fp32 (<c>fp32</c>).</summary>
    Float32,

    /// <summary>Matrix products in bfloat16 under libtorch's CPU autocast, everything stored in fp32 (<c>bf16</c>).</summary>
    BFloat16,
}

/// <summary>The command-line and trainer.json names of <see cref="ComputePrecision"/>: <c>fp32</c>, <c>bf16</c>.</summary>
public static class ComputePrecisions
{
    public static string Name(this ComputePrecision precision) => precision switch
    {
        ComputePrecision.Float32 => "fp32",
        ComputePrecision.BFloat16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary><c>fp32</c> or <c>bf16</c>; anything else is an <see cref="InvalidTrainingOptionException"/> for <c>--precision</c>.</summary>
    public static ComputePrecision Parse(string? name) => name switch
    {
        "fp32" => ComputePrecision.Float32,
        "bf16" => ComputePrecision.BFloat16,
        _ => throw new InvalidTrainingOptionException(nameof(TrainerOptions.Precision), name ?? "", "must be fp32 or bf16"),
    };
}
