using System.Security.Cryptography.X509Certificates;
using GatoMesh.Silo.Security;

namespace GatoMesh.Grains.Tests.Fixtures;

/// <summary>
/// A cluster as `gatomesh cluster up` makes one, on loopback: a real redis-server (membership and grain
/// state), a self-signed cluster certificate and an admin key in a folder of its own, and silo child
/// processes with TLS links, the admin key and two fleets' keys. Silos can be killed and restarted on
/// their ports; <see cref="ClientAsync"/> connects an Orleans cluster client as an operator's tools do.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public const string FleetA = "fleet-a", KeyA = "key-of-fleet-a", FleetB = "fleet-b", KeyB = "key-of-fleet-b";

    private readonly RedisServer redis;
    private readonly string state;
    private readonly IReadOnlyList<string> siloArguments;
    private readonly List<SiloChildProcess> silos = [];

    private ProcessCluster(RedisServer redis, string state, string clusterId, X509Certificate2 certificate, string adminKey, IReadOnlyList<string> siloArguments)
    {
        this.redis = redis;
        this.state = state;
        ClusterId = clusterId;
        Certificate = certificate;
        AdminKey = adminKey;
        this.siloArguments = siloArguments;
    }

    public string ClusterId { get; }

    /// <summary>The certificate every silo presents and requires.</summary>
    public X509Certificate2 Certificate { get; }

    public string AdminKey { get; }

    public string Redis => this.redis.Configuration;

    /// <summary>The silos started so far: the first ones by name, then restarts in order (killed ones included).</summary>
    public IReadOnlyList<SiloChildProcess> Silos => this.silos;

    /// <summary>Starts Redis and <paramref name="silos"/> silos, each with <paramref name="siloArguments"/> besides
    /// its cluster's (--exact-window, --no-dashboard, ...).</summary>
    public static async Task<ProcessCluster> StartAsync(int silos, params string[] siloArguments)
    {
        var state = Directory.CreateTempSubdirectory("gatomesh-cluster-").FullName;
        var clusterId = $"test-{Guid.NewGuid():N}"[..17];
        var certificate = ClusterCertificate.CreateSelfSigned(Path.Combine(state, "cluster.pfx"), clusterId);
        var adminKey = Silo.Security.AdminKey.Generate();
        await File.WriteAllTextAsync(Path.Combine(state, "admin.key"), adminKey + "\n");
        var cluster = new ProcessCluster(await RedisServer.StartAsync(), state, clusterId, certificate, adminKey, siloArguments);
        try
        {
            // All at once, as `gatomesh cluster up` starts them: they race to create the table and to join.
            await Task.WhenAll(Enumerable.Range(0, silos).Select(i => cluster.StartSiloAsync($"silo-{i}")));
            lock (cluster.silos) cluster.silos.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts silo <paramref name="name"/> (on free ports, or on those given: a restart).</summary>
    public async Task<SiloChildProcess> StartSiloAsync(string name, int siloPort = 0, int gatewayPort = 0, int httpPort = 0)
    {
        string[] arguments =
        [
            "--name", name, "--port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--http-port", $"{httpPort}",
            "--redis", Redis, "--cluster-id", ClusterId,
            "--tls-certificate", Path.Combine(this.state, "cluster.pfx"), "--admin-key-file", Path.Combine(this.state, "admin.key"),
            "--fleet-key", $"{FleetA}={KeyA}", "--fleet-key", $"{FleetB}={KeyB}",
            .. this.siloArguments,
        ];
        var silo = await SiloChildProcess.StartAsync(arguments);
        lock (this.silos) this.silos.Add(silo);
        return silo;
    }

    /// <summary>A new process for a killed silo: same name, same three ports.</summary>
    public Task<SiloChildProcess> RestartAsync(SiloChildProcess killed) =>
        StartSiloAsync(killed.Name, killed.SiloPort, killed.GatewayPort, killed.HttpPort);

    /// <summary>An Orleans cluster client that finds the gateways in Redis and presents <paramref name="certificate"/>
    /// (the cluster's by default).</summary>
    public Task<OrleansClusterClient> ClientAsync(X509Certificate2? certificate = null) =>
        OrleansClusterClient.ConnectAsync(ClusterId, Redis, certificate ?? Certificate);

    /// <summary>Every silo's log, for a failure message.</summary>
    public string Logs() => string.Join("\n", this.silos.Select(s => $"--- {s.Name} (exited: {s.HasExited})\n{s.Log}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in this.silos) await silo.DisposeAsync();
        await this.redis.DisposeAsync();
        Certificate.Dispose();
        Directory.Delete(this.state, recursive: true);
    }
}
