using System.Security.Cryptography.X509Certificates;
using GatoMesh.Gateway;
using GatoMesh.Grains.Serving;
using GatoMesh.Model.Engine;
using GatoMesh.Silo.Hosting;

namespace GatoMesh.Silo;

/// <summary>Everything a serving silo needs. Defaults are the embedded default (docs/ARCHITECTURE.md):
/// one in-process silo, localhost membership, memory storage, gato-tiny with seeded random weights on CPU.</summary>
public sealed record ServingSiloOptions
{
    /// <summary>The interface every listener binds to (Orleans' silo and gateway ports, Kestrel).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The silo-to-silo port (0: a free one).</summary>
    public int SiloPort { get; init; }

    /// <summary>The Orleans gateway for cluster clients (admin tools); 0: none when embedded, a free one in a cluster.</summary>
    public int GatewayPort { get; init; }

    /// <summary>Kestrel: the gateway for robots (WebSocket /v1/sessions), /health, /metrics, /dashboard (0: a free one).</summary>
    public int HttpPort { get; init; }

    /// <summary>The silo's name in membership, metrics and /health (null: a random one).</summary>
    public string? Name { get; init; }

    /// <summary>A cluster of silo processes sharing membership and grain state in Redis; null: the embedded
    /// default (this silo alone, in memory).</summary>
    public RedisCluster? Redis { get; init; }

    /// <summary>The cluster certificate every Orleans link presents and requires (Security/ClusterCertificate.cs);
    /// required with <see cref="Redis"/>, not used by the embedded silo, which has no links.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The admin credential calls that change the deployment must present; null: a random one,
    /// known only to this process (<see cref="ServingSilo.AdminKey"/>).</summary>
    public string? AdminKey { get; init; }

    /// <summary>How fast a dead silo is detected (docs/MEMBERSHIP.md).</summary>
    public FailureDetection FailureDetection { get; init; } = FailureDetection.Fast;

    /// <summary>How long a grain call may take before it fails with a timeout.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The Orleans Dashboard under /dashboard (admin credential required).</summary>
    public bool Dashboard { get; init; }

    /// <summary>This host owns the process's SIGTERM and Ctrl+C (a silo process); false when embedded in
    /// another program, which keeps its signals.</summary>
    public bool HandlesProcessSignals { get; init; }

    /// <summary>What the silo serves until a version is deployed through the model registry.</summary>
    public ModelSource Model { get; init; } = ModelSource.Default;

    /// <summary>The inference engine's limits (KV budget, batch, window mode).</summary>
    public EngineOptions Engine { get; init; } = new();

    public ServingOptions Serving { get; init; } = new();

    /// <summary>The gateway's keys and limits (its Health, unless set, is the silo's own report).</summary>
    public GatewayOptions Gateway { get; init; } = new();

    /// <summary>Further Orleans configuration a program embedding the silo adds (grain call filters,
    /// options), applied after GatoMesh's own.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; init; }
}

/// <param name="Configuration">StackExchange.Redis configuration, e.g. <c>127.0.0.1:6379</c>.</param>
/// <param name="ClusterId">The cluster's name: silos with the same id form one cluster.</param>
public sealed record RedisCluster(string Configuration, string ClusterId);
