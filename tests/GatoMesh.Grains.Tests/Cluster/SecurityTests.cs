using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using GatoMesh.Client;
using GatoMesh.Grains.Tests.Fixtures;
using GatoMesh.Silo.Security;
using Orleans.Runtime.Messaging;

namespace GatoMesh.Grains.Tests.Cluster;

/// <summary>
/// docs/ARCHITECTURE.md, "Links" (docs/RUNTIME.md): a cluster silo process, as `gatomesh cluster up`
/// starts one (Redis, TLS pinned to the cluster certificate, the admin key, two fleets).
/// <list type="bullet">
/// <item>Its Orleans ports (silo-to-silo and the cluster clients' gateway) hold no connection from a
/// process without the cluster certificate: plain TCP, TLS without a certificate and TLS with another
/// self-signed one are closed, and an Orleans client with another certificate cannot connect, while one
/// with the cluster's can.</item>
/// <item>Deploy and trainer calls without the admin credential fail with
/// <see cref="AdminCredentialRequiredException"/>; with it they pass the filter.</item>
/// <item>/health and /metrics name no internal endpoint (no Orleans port, no host:port@generation).</item>
/// <item>No route takes one fleet's key to another fleet's session: the WebSocket route is
/// GatoMesh.Gateway.Tests' BadInputTests.Another_fleet_can_neither_read_nor_step_nor_close_a_session
/// (and SessionInputTests here, at the grain); the Orleans ports need the certificate (above); the
/// dashboard, which lists every grain, needs the admin key, and a fleet key gets 401.</item>
/// </list>
/// </summary>
public sealed class SecurityTests(SecurityTests.OneSiloCluster fixture) : IClassFixture<SecurityTests.OneSiloCluster>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private ProcessCluster Cluster => fixture.Cluster;
    private SiloChildProcess Silo => fixture.Cluster.Silos[0];

    public enum Link { Plain, TlsWithoutCertificate, TlsWithAnotherCertificate }

    [Theory]
    [InlineData("silo", Link.Plain)]
    [InlineData("silo", Link.TlsWithoutCertificate)]
    [InlineData("silo", Link.TlsWithAnotherCertificate)]
    [InlineData("gateway", Link.Plain)]
    [InlineData("gateway", Link.TlsWithoutCertificate)]
    [InlineData("gateway", Link.TlsWithAnotherCertificate)]
    public async Task A_connection_to_an_Orleans_port_without_the_cluster_certificate_is_closed(string port, Link link)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port == "silo" ? Silo.SiloPort : Silo.GatewayPort);
        Stream stream = tcp.GetStream();
        if (link != Link.Plain)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = link == Link.TlsWithAnotherCertificate ? [fixture.Stranger] : null,
            };
            try
            {
                using var handshake = new CancellationTokenSource(Deadline);
                await tls.AuthenticateAsClientAsync(options, handshake.Token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return; // refused during the handshake
            }
            // TLS 1.3 finishes the client's side before the server has judged the client's certificate.
            stream = tls;
        }
        Assert.True(await ClosedAsync(stream), $"the {port} port kept a {link} connection open for {Deadline.TotalSeconds} s");
    }

    [Fact]
    public async Task An_Orleans_client_with_another_certificate_cannot_connect_and_one_with_the_cluster_certificate_can()
    {
        // The gateway ends the TLS handshake of a certificate it does not pin: no gateway can be reached.
        await Assert.ThrowsAsync<ConnectionFailedException>(async () =>
        {
            await using var stranger = await Cluster.ClientAsync(fixture.Stranger);
        });

        await using var member = await Cluster.ClientAsync();
        var hosts = await member.Management.GetHosts(onlyActive: true);
        Assert.Single(hosts);
    }

    [Fact]
    public async Task Deploy_and_trainer_calls_need_the_admin_credential()
    {
        await using var client = await Cluster.ClientAsync();
        var registry = client.Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key);
        var coordinator = client.Grains.GetGrain<ITrainerCoordinatorGrain>("security-job");
        var job = new TrainingJob { ConfigJson = "{}", DataDirectory = "/data", OutputDirectory = "/out", Steps = 10, Workers = 1, MicroBatches = 1 };
        var missing = Path.Combine(Path.GetTempPath(), $"gatomesh-no-checkpoint-{Guid.NewGuid():N}");

        var deploy = await Assert.ThrowsAsync<AdminCredentialRequiredException>(() => registry.Deploy(new DeployRequest(missing)));
        Assert.Contains("Deploy", deploy.Method);
        await Assert.ThrowsAsync<AdminCredentialRequiredException>(() => coordinator.Start(job));
        using (AdminCredential.Present(AdminKey.Generate()))
            await Assert.ThrowsAsync<AdminCredentialRequiredException>(() => registry.Deploy(new DeployRequest(missing)));
        Assert.Null(await registry.Current());

        using (AdminCredential.Present(Cluster.AdminKey))
        {
            // Past the filter: the registry itself judges the request (there is no checkpoint there).
            var refused = await registry.Deploy(new DeployRequest(missing));
            Assert.Null(refused.Version);
            Assert.NotNull(refused.Error);
            Assert.Null((await coordinator.Start(job)).Error);
        }
    }

    [Fact]
    public async Task Health_and_metrics_name_no_internal_endpoint()
    {
        await using var client = await Cluster.ClientAsync();
        var generation = (await client.Management.GetDetailedHosts(onlyActive: true)).Single().SiloAddress.Generation;
        using var http = new HttpClient();
        foreach (var path in new[] { "/health", "/metrics" })
        {
            var body = await http.GetStringAsync(Silo.Http(path));
            Assert.DoesNotContain($"{Silo.SiloPort}", body);
            Assert.DoesNotContain($"{Silo.GatewayPort}", body);
            Assert.DoesNotContain($"{generation}", body);
            Assert.DoesNotMatch(new Regex(@"\d+\.\d+\.\d+\.\d+:\d+"), body);
            Assert.DoesNotMatch(new Regex(@":\d+@\d+"), body);
        }
        Assert.Contains($"\"{Silo.Name}\"", await http.GetStringAsync(Silo.Http("/health")));
    }

    [Fact]
    public async Task The_dashboard_refuses_fleet_keys_and_admits_the_admin_key()
    {
        using var http = new HttpClient();
        // The page, and the counters it polls, which list every grain of every fleet (session keys included).
        foreach (var path in new[] { "/dashboard/", "/dashboard/DashboardCounters" })
        {
            foreach (var authorization in new AuthenticationHeaderValue?[]
            {
                null,
                new("Bearer", ProcessCluster.KeyA),
                new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ProcessCluster.FleetA}:{ProcessCluster.KeyA}"))),
            })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Silo.Http(path)) { Headers = { Authorization = authorization } };
                using var refused = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
            using var admitted = new HttpRequestMessage(HttpMethod.Get, Silo.Http(path)) { Headers = { Authorization = new("Bearer", Cluster.AdminKey) } };
            using var response = await http.SendAsync(admitted);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Whether the peer closes the connection (end of stream or a reset) within the deadline
    /// after we send it bytes that are not its protocol.</summary>
    private static async Task<bool> ClosedAsync(Stream stream)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), deadline.Token);
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException)
        {
            return true;
        }
    }

    /// <summary>One silo process of a cluster (dashboard on), with a session of fleet-a that stepped, and
    /// a self-signed certificate of the same name that is not the cluster's.</summary>
    public sealed class OneSiloCluster : IAsyncLifetime
    {
        private string strangerFolder = "";

        internal ProcessCluster Cluster { get; private set; } = null!;

        public X509Certificate2 Stranger { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Cluster = await ProcessCluster.StartAsync(1);
            strangerFolder = Directory.CreateTempSubdirectory("gatomesh-stranger-").FullName;
            Stranger = ClusterCertificate.CreateSelfSigned(Path.Combine(strangerFolder, "cluster.pfx"), Cluster.ClusterId);
            await using var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions { Endpoint = Cluster.Silos[0].SessionsEndpoint, ApiKey = ProcessCluster.KeyA });
            var agent = await GatewayAgent.OpenAsync(client, "metrics-robot", seed: 1);
            await agent.StepAsync(2);
        }

        public async Task DisposeAsync()
        {
            Stranger.Dispose();
            Directory.Delete(strangerFolder, recursive: true);
            await Cluster.DisposeAsync();
        }
    }
}
