using System.Net;
using GatoMesh.Gateway.Tests.Fixtures;
using GatoMesh.Grains;
using GatoMesh.Protos.V1;

namespace GatoMesh.Gateway.Tests;

/// <summary>docs/GATEWAY.md, "Metrics": GET /metrics is Prometheus text that a scraper accepts, with
/// the gateway's own meter counting connections, frames and errors by code.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_parse_as_Prometheus_text_and_count_frames_and_errors()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using (var socket = await gateway.RawSocketAsync())
        {
            for (ulong i = 1; i <= 3; i++) await socket.AskAsync(new ClientMessage { RequestId = i });
            await socket.AskAsync(new ClientMessage { RequestId = 4 }, json: true);
        }
        using var http = new HttpClient();

        using var response = await http.GetAsync(gateway.Http("/metrics"));
        var families = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        const string frames = "gatomesh_gateway_frames_total";
        Assert.Equal(3, PrometheusText.Value(families, frames, frames, ("direction", "in"), ("encoding", "protobuf")));
        Assert.Equal(1, PrometheusText.Value(families, frames, frames, ("direction", "in"), ("encoding", "json")));
        Assert.Equal(4, PrometheusText.Value(families, "gatomesh_gateway_errors_total", "gatomesh_gateway_errors_total", ("code", "MalformedRequest")));
        Assert.Equal(1, PrometheusText.Value(families, "gatomesh_gateway_connections_total", "gatomesh_gateway_connections_total"));
        const string duration = "gatomesh_gateway_request_duration";
        Assert.Equal(4, PrometheusText.Value(families, duration, duration + "_count", ("op", "none")));
    }

    [Fact]
    public async Task Metrics_of_a_serving_silo_count_steps_at_the_gateway_and_in_the_grains()
    {
        const int steps = 3;
        await using var gateway = await GatewayUnderTest.StartAsync();
        await using (var client = await gateway.ClientAsync(GatewayUnderTest.KeyA))
        {
            var session = await client.OpenSessionAsync("robot", Observations.SpecJson);
            for (var step = 0; step < steps; step++) await session.StepAsync(Observations.For(0, step));
            await Assert.ThrowsAsync<GatoMesh.Client.GatoMeshException>(() => session.StepAsync(Observations.For(0, steps).SetContinuous("joints", [float.NaN, 0, 0, 0])));
        }
        using var http = new HttpClient();

        var families = PrometheusText.Parse(await http.GetStringAsync(gateway.Http("/metrics")));

        const string duration = "gatomesh_gateway_request_duration";
        Assert.Equal(steps + 1, PrometheusText.Value(families, duration, duration + "_count", ("op", "step")));
        Assert.Equal(1, PrometheusText.Value(families, "gatomesh_gateway_errors_total", "gatomesh_gateway_errors_total", ("code", "InvalidObservation")));
        // The serving meter is the process's (other tests' silos step too): at least this test's steps.
        Assert.True(PrometheusText.Value(families, "gatomesh_serving_steps_total", "gatomesh_serving_steps_total") >= steps);
        Assert.Equal("histogram", families["gatomesh_serving_step_duration"].Type);
    }
}
