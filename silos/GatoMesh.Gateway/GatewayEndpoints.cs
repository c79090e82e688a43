using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GatoMesh.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Gateway;

/// <summary>
/// A silo's gateway for external clients (docs/GATEWAY.md), mapped onto the silo host's Kestrel:
/// <c>GET /v1/sessions</c> (WebSocket; API key in <c>Authorization: Bearer KEY</c> or <c>?key=KEY</c>,
/// 401 before the upgrade when unknown), <c>GET /health</c> and <c>GET /metrics</c> (Prometheus text).
/// It holds no session state: every request becomes a call on the fleet's episode-session grain through
/// the silo's <see cref="IGrainFactory"/>, so any silo's gateway serves any session.
/// </summary>
public static class GatewayEndpoints
{
    public const string SessionsPath = "/v1/sessions";

    /// <summary>The gateway's services: its options, meter, Prometheus exporter and dispatcher.</summary>
    public static IServiceCollection AddGatoMeshGateway(this IServiceCollection services, GatewayOptions options)
    {
        if (options.MaxMessageBytes < 1024)
            throw new ArgumentException($"MaxMessageBytes must be at least 1024, not {options.MaxMessageBytes}", nameof(options));
        if (options.MaxRequestsInFlightPerSocket < 1)
            throw new ArgumentException($"MaxRequestsInFlightPerSocket must be at least 1, not {options.MaxRequestsInFlightPerSocket}", nameof(options));
        return services
            .AddSingleton(options)
            .AddSingleton<GatewayMetrics>()
            .AddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<GatewayMetrics>().Meter))
            .AddSingleton(sp => new RequestDispatcher(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<GatewayMetrics>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("GatoMesh.Gateway")));
    }

    /// <summary>Serves the gateway's endpoints; every other path is left to the rest of the host.</summary>
    public static void MapGatoMeshGateway(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<GatewayOptions>();
        var metrics = app.Services.GetRequiredService<GatewayMetrics>();
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        var dispatcher = app.Services.GetRequiredService<RequestDispatcher>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GatoMesh.Gateway");
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        // Open sockets end when the silo stops, instead of holding Kestrel's shutdown until its timeout.
        var stopping = app.Lifetime.ApplicationStopping;
        app.Map(SessionsPath, context => AcceptSessionsAsync(context, options, dispatcher, metrics, log, stopping));
        app.MapGet("/health", context => WriteHealthAsync(context, options.Health, log));
        app.MapGet("/metrics", context => WriteMetricsAsync(context, exporter));
    }

    private static async Task AcceptSessionsAsync(HttpContext context, GatewayOptions options, RequestDispatcher dispatcher,
        GatewayMetrics metrics, ILogger log, CancellationToken stopping)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await Status(context, StatusCodes.Status405MethodNotAllowed, $"{SessionsPath} takes GET with a WebSocket upgrade");
            return;
        }
        // Authenticate before the upgrade: an unknown key never gets a socket.
        if (ApiKey(context.Request) is not { } key || FleetOf(options.FleetKeys, key) is not { } fleet)
        {
            metrics.Error(SessionErrorCode.Unauthorized);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Status(context, StatusCodes.Status401Unauthorized, "missing or unknown API key (Authorization: Bearer KEY, or ?key=KEY)");
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Status(context, StatusCodes.Status400BadRequest, $"{SessionsPath} needs a WebSocket upgrade");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        metrics.ConnectionOpened();
        try
        {
            await new SessionSocket(socket, fleet, dispatcher, metrics, log, options).RunAsync(ended.Token);
        }
        finally
        {
            metrics.ConnectionClosed();
        }
    }

    /// <summary>The key's fleet, comparing against every configured key in fixed time, so how long a
    /// refusal takes says nothing about how close a guessed key came.</summary>
    private static string? FleetOf(IReadOnlyDictionary<string, string> fleetKeys, string key)
    {
        var presented = Encoding.UTF8.GetBytes(key);
        string? fleet = null;
        foreach (var (known, owner) in fleetKeys)
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(known))) fleet = owner;
        return fleet;
    }

    private static string? ApiKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)) return authorization[bearer.Length..].Trim();
        // Browsers cannot set headers on a WebSocket: the query parameter is their way in.
        return request.Query.TryGetValue("key", out var key) && key.Count == 1 ? key.ToString() : null;
    }

    private static async Task WriteHealthAsync(HttpContext context, Func<GatewayHealth>? health, ILogger log)
    {
        GatewayHealth? report;
        string? problem = null;
        try
        {
            report = health?.Invoke() ?? new GatewayHealth("", true, null, 0);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "the silo's health report failed");
            report = null;
            problem = $"{e.GetType().Name}: {e.Message}";
        }
        var serving = report?.Serving == true;
        context.Response.StatusCode = serving ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", serving ? "serving" : "not_serving");
        if (report is not null)
        {
            json.WriteString("silo", report.Silo);
            json.WriteString("model_version", report.ModelVersion);
            json.WriteNumber("sessions", report.Sessions);
        }
        if (problem is not null) json.WriteString("error", problem);
        json.WriteEndObject();
    }

    private static Task WriteMetricsAsync(HttpContext context, PrometheusExporter exporter)
    {
        context.Response.ContentType = PrometheusExporter.ContentType;
        return context.Response.WriteAsync(exporter.Scrape());
    }

    private static Task Status(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
