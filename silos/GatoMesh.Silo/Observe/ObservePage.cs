using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GatoMesh.Silo.Observe;

/// <summary>
/// The GatoMesh page (docs/DEPLOY.md, "Observe"), served by every silo under <see cref="Path"/> behind
/// the admin credential: <c>GET /observe</c> is the page, <c>GET /observe/stats</c> the cluster's
/// <see cref="SiloStats"/> as JSON, which the page polls every second and turns into sessions per fleet
/// and per silo, steps/s, a step-latency histogram, batch size, KV pool use, evictions and model versions.
/// </summary>
internal static class ObservePage
{
    public const string Path = "/observe";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void MapObservePage(this WebApplication app)
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var page = Page();
        app.MapGet(Path, () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet(Path + "/stats", async () =>
        {
            var silos = await grains.GetGrain<IClusterStatsGrain>(0).Silos();
            return Results.Json(new { at = DateTimeOffset.UtcNow, silos }, s_json);
        });
    }

    private static string Page()
    {
        using var stream = typeof(ObservePage).Assembly.GetManifestResourceStream("GatoMesh.Silo.Observe.observe.html")
            ?? throw new InvalidOperationException("the observe page is missing from the silo's assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
