using System.Net;
using GatoMesh.Client;
using GatoMesh.Data;
using GatoMesh.Silo;
using Xunit.Abstractions;

namespace GatoMesh.Deploy.Tests;

/// <summary>docs/DEPLOY.md, "Observe": the silo's GatoMesh page, loaded in a real headless Chromium with
/// the admin credential, shows the cluster's figures, and they move while a fleet steps.</summary>
public sealed class ObservePageTests(ITestOutputHelper output)
{
    private const string Fleet = "observed-fleet", FleetKey = "observed-fleet-key";

    /// <summary>Set to a file name to keep the page's screenshot (docs/images/observe-page.png is one).</summary>
    private const string ScreenshotVariable = "GATOMESH_OBSERVE_SCREENSHOT";

    private const string SpecJson = """
        {"name": "observe-test", "observation": {"joints": {"kind": "continuous", "shape": [4]}},
         "action": {"torque": {"kind": "continuous", "shape": [2]}}}
        """;

    [Fact]
    public async Task The_page_needs_the_admin_credential()
    {
        await using var silo = await ServingSilo.StartAsync(new ServingSiloOptions());
        using var http = new HttpClient();

        using var refused = await http.GetAsync($"http://127.0.0.1:{silo.HttpPort}/observe/stats");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{silo.HttpPort}/observe/stats");
        request.Headers.Authorization = new("Bearer", silo.AdminKey);
        using var admitted = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task The_page_loads_in_Chromium_and_its_figures_follow_a_fleet()
    {
        await using var silo = await ServingSilo.StartAsync(new ServingSiloOptions
        {
            Name = "observed-silo",
            Dashboard = true,
            Gateway = new() { FleetKeys = new Dictionary<string, string> { [FleetKey] = Fleet } },
        });
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.SetHeadersAsync(new Dictionary<string, string> { ["Authorization"] = "Bearer " + silo.AdminKey });
        await browser.NavigateAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/observe"));

        await Eventually.True(async () => await Figure(browser, "silos") == "1", "the page shows one silo reporting", TimeSpan.FromSeconds(60));
        var sessionsBefore = await Figure(browser, "sessions-total");
        var stepsBefore = await Figure(browser, "steps-total");

        const int agents = 6, steps = 12;
        await using (var client = await GatoMeshClient.ConnectAsync(new GatoMeshClientOptions { Endpoint = silo.SessionsEndpoint, ApiKey = FleetKey }))
        {
            var sessions = await Task.WhenAll(Enumerable.Range(0, agents).Select(i => client.OpenSessionAsync($"robot-{i}", SpecJson)));
            await Task.WhenAll(sessions.Select(async (session, i) =>
            {
                for (var step = 0; step < steps; step++)
                    await session.StepAsync(new FieldValues().SetContinuous("joints", [i * 0.1f, step * 0.05f, -0.2f, 0.3f]));
            }));
            await Eventually.True(async () => await Figure(browser, "steps-total") == $"{agents * steps}" && await Figure(browser, "sessions-total") == $"{agents}",
                "the page counts the fleet's sessions and steps", TimeSpan.FromSeconds(60));
            var fleetRow = await browser.EvaluateAsync($"document.querySelector('tr[data-fleet=\"{Fleet}\"]')?.textContent");
            var siloRow = await browser.EvaluateAsync("document.querySelector('tr[data-silo=\"observed-silo\"]')?.textContent");
            var batch = await Figure(browser, "batch-size");
            var latency = await Figure(browser, "latency");
            var png = await browser.ScreenshotPngAsync();
            var screenshot = Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } keep ? keep : Path.Combine(Path.GetTempPath(), "gatomesh-observe-page.png");
            await File.WriteAllBytesAsync(screenshot, png);
            output.WriteLine($"before: sessions {sessionsBefore}, steps {stepsBefore}; after: fleet row '{fleetRow}', silo row '{siloRow}', batch {batch}, latency {latency}; screenshot {screenshot}");

            Assert.Equal(("0", "0"), (sessionsBefore, stepsBefore));
            Assert.Contains($"{agents}", fleetRow?.ToString());
            Assert.Contains(silo.ServedVersion.Id, siloRow?.ToString());
            Assert.NotEqual("–", batch);
            Assert.Matches(@"^[\d.]+ ms / [\d.]+ ms$", latency);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            await Task.WhenAll(sessions.Select(session => session.CloseAsync()));
        }
        // Closed sessions leave the silo's count once they deactivate; the page follows.
        await Eventually.True(async () => await Figure(browser, "sessions-total") == "0", "the page shows the sessions gone", TimeSpan.FromSeconds(60));
    }

    /// <summary>A figure's text; empty while the page is still loading (no such element, or no document yet).</summary>
    private static async Task<string> Figure(HeadlessChromium browser, string name)
    {
        try
        {
            return (await browser.EvaluateAsync($"document.querySelector('[data-figure=\"{name}\"]')?.textContent ?? ''"))?.ToString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return ""; // evaluated while the navigation replaced the document
        }
    }
}
