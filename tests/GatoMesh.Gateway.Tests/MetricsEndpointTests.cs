using System.Net;
using GatoMesh.Gateway.Tests.Fixtures;
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
}
