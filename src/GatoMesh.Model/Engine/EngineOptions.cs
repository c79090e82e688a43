using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// Limits of the inference engine (vLLM's scheduler config, smaller). The KV pool is sized from
/// <see cref="KvBlocks"/> when set, else from <see cref="KvBytes"/>: a block holds keys and values of
/// <see cref="BlockSize"/> tokens in every layer (layers x 2 x BlockSize x heads x kv_size floats).
/// </summary>
public sealed record EngineOptions
{
    /// <summary>KV-cache memory budget in bytes (used when <see cref="KvBlocks"/> is null).</summary>
    public long KvBytes { get; init; } = 256L << 20;

    /// <summary>KV-cache size in blocks; overrides <see cref="KvBytes"/>.</summary>
    public int? KvBlocks { get; init; }

    public int BlockSize { get; init; } = 16;

    /// <summary>Tokens per iteration (decode tokens plus prefill chunks).</summary>
    public int TokenBudget { get; init; } = 512;

    /// <summary>Sequences per iteration.</summary>
    public int MaxSequences { get; init; } = 256;

    /// <summary>Context window in tokens; null means the model's <see cref="GatoConfig.Context"/>.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>Most timesteps a window holds, the current one included; null for no limit beyond
    /// <see cref="ContextWindow"/>. A checkpoint trained on K-timestep windows (<c>--history K</c>) is served
    /// with K: older timesteps slide out as they would for a full window.</summary>
    public int? WindowTimesteps { get; init; }

    /// <summary>
    /// How a full window slides (docs/ENGINE.md, "Context window"). False (default, ARCHITECTURE.md):
    /// drop the oldest timesteps' cached blocks and recompute nothing; exact in the first block, while
    /// deeper blocks keep what kept tokens attended before the drop. True: answer
    /// <see cref="CacheMissReason.WindowSlid"/> instead, so the caller resends its context, which the
    /// engine trims to the window before prefilling: every action then equals a full recompute on the
    /// slid window in every block, at the cost of one window prefill per slide.
    /// </summary>
    public bool ExactSlidingWindow { get; init; }

    /// <summary>libtorch intra-op threads set on the engine thread; null leaves the process setting.
    /// MACHINE.md: 1 is fastest on 2 cores (OpenBLAS runs its own threads).</summary>
    public int? TorchThreads { get; init; } = 1;

    /// <summary>Threads (the engine thread and dedicated helpers) sharing the in-place attention of
    /// decode rows; torch itself stays on <see cref="TorchThreads"/>.</summary>
    public int AttentionThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>What the transformer's matrix products compute in (docs/ENGINE.md, "Precision"): fp32, the
    /// reference, or bf16, products of bfloat16 weights with fp32 accumulation, the residual stream, norms,
    /// attention and sampling in fp32.</summary>
    public ComputePrecision Precision { get; init; }

    /// <summary>Where the engine computes: null, the served model's device; else its weights are copied there
    /// (a CUDA device serves from a device KV pool, <see cref="KvPool"/>).</summary>
    public Device? Device { get; init; }

    /// <summary>Where the paged KV cache lives; null: the host pool on a CPU, the device pool on a GPU. The
    /// device pool runs on a CPU too (the same code a GPU runs: tests hold its actions to the host pool's);
    /// the host pool cannot serve a GPU.</summary>
    public KvPoolPlacement? KvPool { get; init; }

    /// <summary>How long an iteration should take (docs/ENGINE.md, "Iteration"): prefill chunks fill an
    /// iteration only up to the tokens that the engine's measured cost per token fits in this time (never
    /// beyond <see cref="TokenBudget"/>), so decode steps behind them stay short; null: always
    /// <see cref="TokenBudget"/>.</summary>
    public TimeSpan? IterationTarget { get; init; } = TimeSpan.FromMilliseconds(4);

    /// <summary>Multiply-adds of an iteration's host attention below which the engine thread does it alone: a
    /// helper's wake-up costs more than it saves (~0.2 ms of work). Tests set 0 to split every iteration.</summary>
    internal long AttentionParallelWork { get; init; } = 1 << 21;

    /// <summary>Bytes of one KV block for <paramref name="config"/>.</summary>
    public long BlockBytes(GatoConfig config) => (long)config.Layers * 2 * BlockSize * config.AttentionWidth * sizeof(float);

    internal int Blocks(GatoConfig config) => KvBlocks ?? (int)Math.Min(int.MaxValue, KvBytes / BlockBytes(config));

    internal int Window(GatoConfig config) => ContextWindow ?? config.Context;

    internal KvPoolPlacement Placement(Device device) => KvPool ?? (device.Type == DeviceType.Cpu ? KvPoolPlacement.Host : KvPoolPlacement.Device);

    /// <summary>Checks every field against <paramref name="config"/>, naming the first one out of range.</summary>
    internal void Validate(GatoConfig config)
    {
        if (BlockSize <= 0) throw new InvalidConfigException(nameof(BlockSize), BlockSize, "must be positive");
        if (TokenBudget <= 0) throw new InvalidConfigException(nameof(TokenBudget), TokenBudget, "must be positive");
        if (MaxSequences <= 0) throw new InvalidConfigException(nameof(MaxSequences), MaxSequences, "must be positive");
        if (Window(config) <= 1) throw new InvalidConfigException(nameof(ContextWindow), Window(config), "must be at least 2 tokens");
        if (WindowTimesteps is < 1) throw new InvalidConfigException(nameof(WindowTimesteps), WindowTimesteps, "must be at least 1");
        if (AttentionThreads < 1) throw new InvalidConfigException(nameof(AttentionThreads), AttentionThreads, "must be at least 1");
        if (TorchThreads is < 1) throw new InvalidConfigException(nameof(TorchThreads), TorchThreads, "must be at least 1");
        if (IterationTarget is { } target && target <= TimeSpan.Zero) throw new InvalidConfigException(nameof(IterationTarget), target, "must be positive");
        if (KvPool == KvPoolPlacement.Host && Device is { Type: not DeviceType.Cpu } device)
            throw new InvalidConfigException(nameof(KvPool), KvPool, $"the host pool serves a CPU engine only, not {device}");
        // One full window must fit: the prompt ends in a partly used block, the timesteps start on a
        // fresh one, and the oldest live timestep may start mid-block.
        var needed = (Window(config) + BlockSize - 1) / BlockSize + 3;
        if (Blocks(config) < needed)
            throw new InvalidConfigException(KvBlocks is null ? nameof(KvBytes) : nameof(KvBlocks), KvBlocks ?? KvBytes,
                $"the KV pool must hold one full context window ({needed} blocks of {BlockBytes(config)} bytes)");
    }
}

/// <summary>Where the paged KV cache lives (<see cref="EngineOptions.KvPool"/>).</summary>
public enum KvPoolPlacement
{
    /// <summary>Host memory, attended by managed kernels (a CPU engine).</summary>
    Host,

    /// <summary>Tensors on the compute device, attended by libtorch ops; actions sampled on the device.</summary>
    Device,
}
