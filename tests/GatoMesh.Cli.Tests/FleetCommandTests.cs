using System.Text.Json;

namespace GatoMesh.Cli.Tests;

/// <summary><c>gatomesh fleet</c> (docs/FLEET.md): simulated agents against an embedded serving silo, the
/// --json contract, and errors that name the option.</summary>
public sealed class FleetCommandTests
{
    private static readonly TimeSpan FleetDeadline = TimeSpan.FromSeconds(150);

    [Fact]
    public void A_short_synthetic_fleet_against_the_embedded_silo_steps_without_errors_and_reports_every_field()
    {
        // A fixed amount of work (5 steps an agent); the duration is only a cap for a loaded machine.
        var json = Gatomesh.Run(new CliRun(["fleet", "--agents", "6", "--task", "synthetic", "--steps-per-agent", "5", "--duration", "120", "--json"])
        {
            Deadline = FleetDeadline,
        }).Json();

        Assert.Equal(6, json.GetProperty("agents").GetInt32());
        Assert.Equal(0, json.GetProperty("errors").GetInt64());
        Assert.Equal(6 * 5, json.GetProperty("steps").GetInt64());
        Assert.True(json.GetProperty("steps_per_s").GetDouble() > 0);
        var p50 = json.GetProperty("p50_ms").GetDouble();
        var p95 = json.GetProperty("p95_ms").GetDouble();
        var p99 = json.GetProperty("p99_ms").GetDouble();
        var max = json.GetProperty("max_ms").GetDouble();
        Assert.True(0 < p50 && p50 <= p95 && p95 <= p99 && p99 <= max, $"percentiles out of order: {p50} {p95} {p99} {max}");
        // Each step runs at least one engine iteration of at least one token: the batch was read from the silo.
        Assert.True(json.GetProperty("mean_batch").GetDouble() >= 1);
        Assert.True(json.GetProperty("mean_batch_sequences").GetDouble() >= 1);
        Assert.InRange(json.GetProperty("deadline_miss_rate_20hz").GetDouble(), 0, 1);
        // The embedded default: gato-tiny with seeded random weights (seed 0).
        Assert.Equal("gato-tiny-seed0", json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_fleet_against_a_silo_process_steps_through_its_gateway_and_reads_the_batch_from_its_metrics()
    {
        using var silo = await ServingSiloChild.StartAsync("fleet-cli", "key-of-fleet-cli");

        var json = Gatomesh.Run(new CliRun(["fleet", "--silo", $"127.0.0.1:{silo.HttpPort}", "--api-key", "key-of-fleet-cli",
            "--agents", "4", "--steps-per-agent", "5", "--duration", "120", "--json"]) { Deadline = FleetDeadline }).Json();

        Assert.Equal(0, json.GetProperty("errors").GetInt64());
        Assert.Equal(4 * 5, json.GetProperty("steps").GetInt64());
        Assert.True(json.GetProperty("mean_batch").GetDouble() >= 1, "the batch was not read from the gateway's /metrics");
        Assert.Equal("gato-tiny-seed0", json.GetProperty("model").GetString());

        // Another fleet's key is refused before any session opens.
        Gatomesh.Run(new CliRun(["fleet", "--silo", $"ws://127.0.0.1:{silo.HttpPort}/v1/sessions", "--api-key", "not-a-key",
            "--agents", "1", "--duration", "1", "--json"]) { Deadline = FleetDeadline }).AssertFailsNaming("Unauthorized");
    }

    [Fact]
    public void Paced_agents_each_step_at_most_once_a_period()
    {
        var json = Gatomesh.Run(new CliRun(["fleet", "--agents", "3", "--steps-per-agent", "3", "--duration", "120", "--period-ms", "100", "--json"])
        {
            Deadline = FleetDeadline,
        }).Json();

        Assert.Equal(0, json.GetProperty("errors").GetInt64());
        Assert.Equal(100, json.GetProperty("period_ms").GetDouble());
        // Each agent's third observation waits for its third tick, 200 ms into the stepping at the soonest.
        Assert.Equal(3 * 3, json.GetProperty("steps").GetInt64());
        Assert.True(json.GetProperty("duration_s").GetDouble() >= 0.2);
    }

    [Fact]
    public void An_unknown_task_fails_naming_it_and_the_known_tasks()
    {
        Gatomesh.Run("fleet", "--task", "pong", "--silo", "127.0.0.1:9", "--api-key", "k", "--json")
            .AssertFailsNaming("pong", "synthetic", "catch", "pixel-goto", "gridworld", "cartpole-swingup", "cartpole-balance", "reacher", "point-mass", "caption", "arm7");
    }

    [Theory]
    [InlineData("--agents", "0")]
    [InlineData("--duration", "-1")]
    [InlineData("--steps-per-agent", "0")]
    public void An_option_out_of_range_fails_naming_it(string option, string value)
    {
        Gatomesh.Run("fleet", option, value, "--silo", "127.0.0.1:9", "--api-key", "k", "--json").AssertFailsNaming(option, value);
    }

    [Fact]
    public void A_silo_address_that_is_neither_a_ws_uri_nor_host_port_fails_naming_the_option()
    {
        Gatomesh.Run("fleet", "--silo", "http://127.0.0.1:80", "--api-key", "k", "--json").AssertFailsNaming("--silo", "http://127.0.0.1:80");
    }

    [Fact]
    public void A_cluster_without_an_api_key_fails_naming_the_option()
    {
        Gatomesh.Run(new CliRun(["fleet", "--silo", "127.0.0.1:9", "--json"])
        {
            Environment = new Dictionary<string, string> { ["GATOMESH_API_KEY"] = "" },
        }).AssertFailsNaming("--api-key");
    }

    [Fact]
    public void A_gateway_nobody_listens_on_fails_as_unavailable_naming_the_endpoint()
    {
        var port = LoopbackPorts.Free();
        Gatomesh.Run(new CliRun(["fleet", "--silo", $"127.0.0.1:{port}", "--api-key", "k", "--json"]) { Deadline = FleetDeadline })
            .AssertFailsNaming("Unavailable", $"ws://127.0.0.1:{port}/v1/sessions");
    }
}
