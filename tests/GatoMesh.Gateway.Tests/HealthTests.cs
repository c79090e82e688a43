using System.Net;
using System.Text.Json;
using GatoMesh.Gateway.Tests.Fixtures;

namespace GatoMesh.Gateway.Tests;

/// <summary>docs/GATEWAY.md, "Health": what the silo reports, 200 while it serves, 503 otherwise.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task A_serving_silo_is_healthy_and_says_what_it_serves()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(o => o with { Health = () => new GatewayHealth("127.0.0.1:1@2", true, "gato-tiny@r0", 17) });
        using var http = new HttpClient();

        using var response = await http.GetAsync(gateway.Http("/health"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("serving", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("127.0.0.1:1@2", body.RootElement.GetProperty("silo").GetString());
        Assert.Equal("gato-tiny@r0", body.RootElement.GetProperty("model_version").GetString());
        Assert.Equal(17, body.RootElement.GetProperty("sessions").GetInt64());
    }

    [Fact]
    public async Task A_silo_that_stopped_serving_is_503()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(o => o with { Health = () => new GatewayHealth("s", false, null, 0) });
        using var http = new HttpClient();

        using var response = await http.GetAsync(gateway.Http("/health"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not_serving", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failing_health_report_is_503_with_the_reason()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(o => o with { Health = () => throw new InvalidOperationException("engine gone") });
        using var http = new HttpClient();

        using var response = await http.GetAsync(gateway.Http("/health"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("engine gone", body.RootElement.GetProperty("error").GetString());
    }
}
