using System.Text.Json.Nodes;
using GatoMesh.Fleet;
using GatoMesh.Grains.Serving;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Silo;

namespace GatoMesh.Bench.Serving;

/// <summary>
/// GatoMesh beside the peer (bench/peer/policy_server.py, bench/README.md "peer"): the same weights, the same
/// fleet and client SDK over WebSocket, closed-loop agents at each count on each task, first the peer, then an
/// embedded GatoMesh silo. Saturation = each side's best steps/s; the goal is GatoMesh >= 5x the peer there,
/// and at one agent a latency at or below the peer's.
/// </summary>
internal static class PeerComparison
{
    public static async Task<JsonObject> RunAsync(string preset, string[] tasks, int[] agents, double seconds, EngineOptions engine, string peerDevice = "cpu")
    {
        var config = Presets.Get(preset);
        using var model = new GatoModel(config, seed: 0);
        var folder = Path.Combine(Path.GetTempPath(), $"gatomesh-bench-peer-{Environment.ProcessId}");
        var byTask = new JsonArray();
        try
        {
            await using var peer = await PeerServer.StartAsync(model, folder, threads: 1, peerDevice);
            await using var serving = await EmbeddedServing.StartAsync(new ServingSiloOptions { Model = ModelSource.FromPreset(preset, seed: 0), Engine = engine });
            foreach (var task in tasks)
            {
                // A short run on each side first, so neither side's first point pays for warming up.
                await using (var target = await peer.ConnectAsync(1)) await Point("peer warm-up", target, task, 2, 1);
                await using (var target = await serving.ConnectAsync(1)) await Point("gatomesh warm-up", target, task, 2, 1);
                var peerRows = new JsonArray();
                var meshRows = new JsonArray();
                foreach (var n in agents)
                {
                    await using (var target = await peer.ConnectAsync(Math.Clamp(n / 250, 1, 16)))
                        peerRows.Add(await Point("peer", target, task, n, seconds));
                    await using (var target = await serving.ConnectAsync(Math.Clamp(n / 250, 1, 16)))
                        meshRows.Add(await Point("gatomesh", target, task, n, seconds));
                }
                double Best(JsonArray rows) => rows.OfType<JsonObject>().Max(r => (double)r["steps_per_s"]!);
                JsonNode? One(JsonArray rows, string field) => rows.OfType<JsonObject>().FirstOrDefault(r => (int)r["agents"]! == 1)?[field]?.DeepClone();
                byTask.Add(new JsonObject
                {
                    ["task"] = task,
                    ["peer"] = peerRows,
                    ["gatomesh"] = meshRows,
                    ["peer_saturation_steps_per_s"] = Best(peerRows),
                    ["gatomesh_saturation_steps_per_s"] = Best(meshRows),
                    ["saturation_ratio"] = Best(peerRows) > 0 ? Math.Round(Best(meshRows) / Best(peerRows), 2) : null,
                    ["one_agent_p50_ms"] = new JsonObject { ["peer"] = One(peerRows, "p50_ms"), ["gatomesh"] = One(meshRows, "p50_ms") },
                    ["one_agent_p99_ms"] = new JsonObject { ["peer"] = One(peerRows, "p99_ms"), ["gatomesh"] = One(meshRows, "p99_ms") },
                });
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        return new JsonObject
        {
            ["preset"] = preset,
            ["server"] = $"bench/peer/policy_server.py on {peerDevice}: eager PyTorch (fp32, 1 CPU thread), one request at a time, a KV cache per session, the gateway's binary protocol",
            ["gatomesh_precision"] = engine.Precision.Name(),
            ["tasks"] = byTask,
        };
    }

    static async Task<JsonObject> Point(string side, GatewayTarget target, string task, int agents, double seconds)
    {
        var report = await FleetRunner.RunAsync(target, new FleetOptions
        {
            Agents = agents,
            Task = task,
            Duration = TimeSpan.FromSeconds(Math.Max(seconds, agents / 200.0)),
            OpenConcurrency = 128,
        });
        Console.Error.WriteLine($"bench serving: peer comparison {side} {task} agents {agents}: {report.StepsPerSecond:F1} steps/s, " +
                                $"p50 {report.P50Ms:F1} p99 {report.P99Ms:F1} ms, errors {report.Errors}");
        var row = report.ToJson();
        row["side"] = side;
        return row;
    }
}
