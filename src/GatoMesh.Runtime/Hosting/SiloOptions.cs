using GatoMesh.Runtime.Membership;
using GatoMesh.Runtime.Storage;
using GatoMesh.Runtime.Transport;

namespace GatoMesh.Runtime.Hosting;

/// <summary>How a silo runs. Defaults are the embedded single silo: loopback, ephemeral ports, memory storage.</summary>
public sealed record SiloOptions
{
    /// <summary>Address other silos and clients reach this silo at (loopback by default).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Silo-to-silo port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Port for external clients; 0 picks a free one.</summary>
    public int GatewayPort { get; init; }

    /// <summary>A call without an answer after this long fails with <see cref="GrainCallTimeoutException"/>.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An activation that served no call for this long is deactivated.</summary>
    public TimeSpan IdleDeactivationAge { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Frames above this size are refused (sent: typed error; received: connection closed).</summary>
    public int MaxFrameBytes { get; init; } = Frames.DefaultMaxFrameBytes;

    /// <summary>Where grains persist state; null: a fresh <see cref="MemoryGrainStorage"/>.</summary>
    public IGrainStorage? Storage { get; init; }

    /// <summary>The membership table shared by the cluster; null: a private in-process table (one silo).</summary>
    public IMembershipTable? Membership { get; init; }

    /// <summary>What grains on this silo may use beyond the runtime (an inference engine, a model
    /// registry's loader): grains read it through <c>Grain.Services</c>. Null: none.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>Timings of the membership protocol (heartbeats, probes, declare-dead).</summary>
    public MembershipOptions MembershipOptions { get; init; } = new();
}
