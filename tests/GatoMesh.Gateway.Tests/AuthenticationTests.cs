using System.Net;
using System.Net.WebSockets;
using GatoMesh.Client;
using GatoMesh.Gateway.Tests.Fixtures;
using GatoMesh.Grains;

using ErrorCode = GatoMesh.Protos.V1.ErrorCode;

namespace GatoMesh.Gateway.Tests;

/// <summary>docs/GATEWAY.md, "Authentication": an API key names a fleet; no key or an unknown key is
/// refused with 401 before the WebSocket upgrade.</summary>
public sealed class AuthenticationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-configured-key")]
    [InlineData("Basic a2V5LW9mLWZsZWV0LWE=")]
    public async Task An_upgrade_without_a_known_key_is_refused_with_401(string? authorization)
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (authorization is not null) socket.Options.SetRequestHeader("Authorization", authorization);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(gateway.SessionsEndpoint, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task A_key_in_the_query_string_is_accepted_for_browsers()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri(gateway.SessionsEndpoint + "?key=" + GatewayUnderTest.KeyB), CancellationToken.None);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task The_client_reports_a_refused_key_as_Unauthorized_without_retrying_it()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();

        var refused = await Assert.ThrowsAsync<GatoMeshException>(() => GatoMeshClient.ConnectAsync(new GatoMeshClientOptions
        {
            Endpoint = gateway.SessionsEndpoint,
            ApiKey = "wrong",
            ReconnectDelay = TimeSpan.FromHours(1), // a retry would never end within the test
        }));

        Assert.Equal(ErrorCode.Unauthorized, refused.Code);
        Assert.Equal("apiKey", refused.Field);
    }

    [Fact]
    public async Task A_plain_http_request_with_a_good_key_is_told_to_upgrade()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, gateway.Http(GatewayEndpoints.SessionsPath));
        request.Headers.Authorization = new("Bearer", GatewayUnderTest.KeyA);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Refused_upgrades_are_counted_as_Unauthorized_errors()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var http = new HttpClient();

        using var refused = await http.GetAsync(gateway.Http(GatewayEndpoints.SessionsPath));
        var metrics = PrometheusText.Parse(await http.GetStringAsync(gateway.Http("/metrics")));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, PrometheusText.Value(metrics, "gatomesh_gateway_errors_total", "gatomesh_gateway_errors_total", ("code", "Unauthorized")));
    }

    [Fact]
    public async Task Unknown_paths_are_404()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(gateway.Http("/v2/sessions"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
