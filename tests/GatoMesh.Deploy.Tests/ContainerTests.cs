using System.Text.Json;
using GatoMesh.Client;
using Xunit.Abstractions;

namespace GatoMesh.Deploy.Tests;

/// <summary>
/// docs/DEPLOY.md, "Image" and "Local cluster": the image runs its silo as a non-root user with a health
/// check and stops gracefully on SIGTERM; the pod of deploy/compose (redis-server + 3 silos from the image)
/// starts with one command and carries a fleet through one gateway while a silo container is stopped,
/// with no session or step lost. Real containers (podman with runc, deploy/podman/containers.conf).
/// </summary>
public sealed class ContainerTests(SiloImage image, ITestOutputHelper output) : IClassFixture<SiloImage>
{
    [Fact]
    public async Task The_image_runs_its_silo_as_a_non_root_user_healthy_and_stopping_on_SIGTERM()
    {
        var config = JsonDocument.Parse((await image.PodmanAsync("image", "inspect", image.Name, "--format", "{{json .Config}}")).Succeeded("inspect").Stdout).RootElement;
        var health = (await image.PodmanAsync("image", "inspect", image.Name, "--format", "{{json .HealthCheck.Test}}")).Succeeded("inspect").Stdout;
        Assert.Equal("10001:10001", config.GetProperty("User").GetString());
        Assert.Equal("SIGTERM", config.GetProperty("StopSignal").GetString());
        Assert.Contains("/opt/gatomesh/healthcheck.sh", health);

        var http = LoopbackPorts.Free();
        var name = $"gatomesh-image-test-{http}";
        (await image.PodmanAsync("run", "-d", "--name", name, "--network", "host", "-e", $"GATOMESH_HTTP_PORT={http}", image.Name,
            "--host", "127.0.0.1", "--port", $"{LoopbackPorts.Free()}", "--http-port", $"{http}", "--grpc-port", $"{LoopbackPorts.Free()}")).Succeeded("podman run");
        try
        {
            await Eventually.True(async () => (await image.PodmanAsync("healthcheck", "run", name)).Exit == 0, "the container's health check passes", TimeSpan.FromMinutes(3));
            var uid = (await image.PodmanAsync("exec", name, "id", "-u")).Succeeded("podman exec").Stdout.Trim();

            (await image.PodmanAsync("stop", "-t", "30", name)).Succeeded("podman stop");
            var exit = (await image.PodmanAsync("inspect", name, "--format", "{{.State.ExitCode}}")).Succeeded("inspect").Stdout.Trim();
            var log = await image.PodmanAsync("logs", name);

            Assert.Equal("10001", uid);
            Assert.Equal("0", exit); // SIGTERM handled: 143 or 137 would mean it died of the signal or was killed
            Assert.Contains("silo ready", log.Stdout);
        }
        finally
        {
            await image.PodmanAsync("rm", "-f", name);
        }
    }

    [Fact]
    public async Task The_pod_cluster_carries_a_fleet_through_one_gateway_while_a_silo_container_stops()
    {
        var root = Commands.RepositoryRoot();
        var basePort = LoopbackPorts.FreeBlock(34);
        var up = (await Commands.RunAsync(Path.Combine(root, "deploy", "compose", "up.sh"),
            ["--base-port", $"{basePort}", "--image", image.Name, "--fleet-key", "pod-fleet=pod-fleet-key"], TimeSpan.FromMinutes(6))).Succeeded("up.sh");
        try
        {
            var cluster = JsonDocument.Parse(up.Stdout).RootElement;
            var silos = cluster.GetProperty("silos").EnumerateArray().ToList();
            Assert.Equal(3, silos.Count);
            await using var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions
            {
                Endpoint = new Uri(silos[0].GetProperty("sessions").GetString()!),
                ApiKey = "pod-fleet-key",
            });
            var fleet = new SteppingFleet(client);
            await using var _ = fleet;
            await fleet.AddAsync("pod-robot", 12);
            await Eventually.True(() => fleet.Sessions.All(s => fleet.StepsOf(s) >= 3), "the fleet steps on the pod's silos", TimeSpan.FromMinutes(2));

            var stopped = silos[2].GetProperty("container").GetString()!;
            (await image.PodmanAsync("stop", "-t", "30", stopped)).Succeeded("podman stop");
            var exit = (await image.PodmanAsync("inspect", stopped, "--format", "{{.State.ExitCode}}")).Succeeded("inspect").Stdout.Trim();
            var after = fleet.Sessions.ToDictionary(s => s, s => fleet.StepsOf(s) + 5);
            await Eventually.True(() => after.All(s => fleet.StepsOf(s.Key) >= s.Value), "every session steps on after silo-2 stopped", TimeSpan.FromMinutes(2));
            output.WriteLine($"sessions {fleet.Agents}, steps {fleet.Steps}, lost {fleet.Lost.Count}; silo-2 exit code {exit}");

            Assert.Equal("0", exit);
            Assert.Empty(fleet.Lost);
        }
        finally
        {
            await Commands.RunAsync(Path.Combine(root, "deploy", "compose", "down.sh"), ["--base-port", $"{basePort}"], TimeSpan.FromMinutes(3));
        }
    }
}
